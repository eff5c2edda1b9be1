//! Conversion dashboards: funnel, stage-to-stage ratios, salespeople,
//! forecast against quota, time in stage, lost reasons, lead sources and
//! diagnosis. The period and salesperson live in the URL; every number opens
//! the deals behind it.

use chrono::{Datelike, NaiveDate};
use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::i18n::*;
use super::paged::{Paging, ShowMore};
use super::{display, labels, use_app, Route};
use crate::domain::metrics::{
    dashboard, spanco_ratio, Dashboard, HintKind, MetricsFilter, PeriodChoice, SpancoRatio,
};
use crate::domain::sorting;
use crate::domain::{parse_amount, Command, Id, Pipeline};

/// The dashboard's filters, as kept in the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardQuery {
    /// The period.
    pub period: PeriodChoice,
    /// One salesperson, or everyone.
    pub owner: Option<Id>,
}

impl Default for DashboardQuery {
    fn default() -> Self {
        DashboardQuery {
            period: PeriodChoice::ThisMonth,
            owner: None,
        }
    }
}

impl DashboardQuery {
    /// Reads `period=…&from=…&to=…&owner=…`; anything unknown falls back to this month, everyone.
    pub fn parse(query: &str) -> Self {
        let mut q = DashboardQuery::default();
        let (mut from, mut to, mut kind) = (None, None, "");
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "period" => kind = v,
                "from" => from = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
                "to" => to = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
                "owner" => q.owner = Uuid::parse_str(v).ok(),
                _ => {}
            }
        }
        q.period = match (kind, from, to) {
            ("last_month", _, _) => PeriodChoice::LastMonth,
            ("quarter", _, _) => PeriodChoice::ThisQuarter,
            ("year", _, _) => PeriodChoice::ThisYear,
            ("custom", Some(from), Some(to)) => PeriodChoice::Custom { from, to },
            _ => PeriodChoice::ThisMonth,
        };
        q
    }

    /// The query string for the URL.
    pub fn to_query(&self) -> String {
        let mut s = match self.period {
            PeriodChoice::ThisMonth => "period=month".to_string(),
            PeriodChoice::LastMonth => "period=last_month".to_string(),
            PeriodChoice::ThisQuarter => "period=quarter".to_string(),
            PeriodChoice::ThisYear => "period=year".to_string(),
            PeriodChoice::Custom { from, to } => format!("period=custom&from={from}&to={to}"),
        };
        if let Some(o) = self.owner {
            s.push_str(&format!("&owner={o}"));
        }
        s
    }
}

/// The deals behind a number, shown below the filters.
#[derive(Clone, PartialEq)]
struct Selection {
    what: String,
    deals: Vec<Id>,
}

#[derive(Clone, Copy)]
struct DashCtx {
    selected: RwSignal<Option<Selection>>,
}

/// A number that opens the deals behind it.
#[component]
fn Num(
    /// What is counted, for the button's name and the list's heading.
    #[prop(into)]
    what: String,
    /// The number as shown.
    #[prop(into)]
    text: String,
    /// The deals behind it.
    deals: Vec<Id>,
) -> impl IntoView {
    let ctx = expect_context::<DashCtx>();
    let label = format!("{what}: {text}");
    view! {
        <button
            class="num-button"
            aria-label=label
            on:click=move |_| {
                ctx.selected.set(Some(Selection { what: what.clone(), deals: deals.clone() }));
                request_animation_frame(|| {
                    if let Some(el) = document()
                        .get_element_by_id("drill-down")
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        el.scroll_into_view();
                        let _ = el.focus();
                    }
                });
            }
        >
            {text}
        </button>
    }
}

fn percent(share: Option<f64>) -> String {
    share
        .map(display::percent)
        .unwrap_or_else(|| "–".to_string())
}

fn days(d: Option<f64>) -> String {
    d.map(|d| format!("{d:.1}"))
        .unwrap_or_else(|| "–".to_string())
}

fn spanco_label(i18n: I18n, r: SpancoRatio) -> String {
    match r {
        SpancoRatio::QualificationRate => t_string!(i18n, dashboard.ratio1),
        SpancoRatio::AppointmentEfficiency => t_string!(i18n, dashboard.ratio2),
        SpancoRatio::MeetingEfficiency => t_string!(i18n, dashboard.ratio3),
        SpancoRatio::ClosingRate => t_string!(i18n, dashboard.ratio4),
    }
    .to_string()
}

/// A stage name cut to fit the chart's label column (the table has it whole).
fn short(name: &str) -> String {
    if name.chars().count() > 22 {
        format!("{}…", name.chars().take(21).collect::<String>())
    } else {
        name.to_string()
    }
}

fn stage_name(p: &Pipeline, id: Id) -> String {
    p.stage(id).map(|s| s.name.clone()).unwrap_or_default()
}

/// The dashboard screen.
#[component]
pub fn DashboardPage(query: DashboardQuery) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = DashCtx {
        selected: RwSignal::new(None),
    };
    provide_context(ctx);
    let q = query.clone();
    let model = Memo::new(move |_| {
        let now = state.now.get();
        let today = display::today(now);
        let period = q.period.period(today, display::local_offset(now));
        state.workspace.with(|ws| {
            let pipeline = ws.current_pipeline().cloned()?;
            let filter = MetricsFilter {
                pipeline_id: pipeline.id,
                period,
                salesperson_id: q.owner,
            };
            Some((pipeline, dashboard(ws, &filter, now), q.period.days(today)))
        })
    });
    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title">{t!(i18n, dashboard.title)}</h2>
            <Filters query=query.clone() />
            {move || model.get().map(|(pipeline, d, (first, last))| {
                view! {
                    <p class="muted small">
                        {tf!(i18n, dashboard.scope, from = display::date(first), to = display::date(last), pipeline = pipeline.name.clone())}
                    </p>
                    <DrillDown />
                    <Hints pipeline=pipeline.clone() d=d.clone() />
                    <Funnel pipeline=pipeline.clone() d=d.clone() />
                    <Conversions pipeline=pipeline.clone() d=d.clone() />
                    <Salespeople d=d.clone() />
                    <ForecastPanel d=d.clone() owner=query.owner first />
                    <TimeInStage pipeline=pipeline.clone() d=d.clone() />
                    <Breakdowns d=d.clone() />
                }
            })}
        </section>
    }
}

#[component]
fn Filters(query: DashboardQuery) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let go = move |q: DashboardQuery| state.navigate(Route::Dashboard(q));
    let kind = match query.period {
        PeriodChoice::ThisMonth => "month",
        PeriodChoice::LastMonth => "last_month",
        PeriodChoice::ThisQuarter => "quarter",
        PeriodChoice::ThisYear => "year",
        PeriodChoice::Custom { .. } => "custom",
    };
    let today = display::today(state.now.get_untracked());
    let (first, last) = query.period.days(today);
    let from = RwSignal::new(display::date(first));
    let to = RwSignal::new(display::date(last));
    let q1 = query.clone();
    let on_period = move |ev: ev::Event| {
        let period = match event_target_value(&ev).as_str() {
            "last_month" => PeriodChoice::LastMonth,
            "quarter" => PeriodChoice::ThisQuarter,
            "year" => PeriodChoice::ThisYear,
            "custom" => PeriodChoice::Custom {
                from: first,
                to: last,
            },
            _ => PeriodChoice::ThisMonth,
        };
        go(DashboardQuery {
            period,
            ..q1.clone()
        });
    };
    let q2 = query.clone();
    let on_owner = move |ev: ev::Event| {
        go(DashboardQuery {
            owner: Uuid::parse_str(&event_target_value(&ev)).ok(),
            ..q2.clone()
        });
    };
    let q3 = query.clone();
    let error = RwSignal::new(None::<String>);
    let apply_custom = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        match (
            display::parse_date_input(&from.get_untracked()),
            display::parse_date_input(&to.get_untracked()),
        ) {
            (Ok(Some(from)), Ok(Some(to))) => {
                error.set(None);
                go(DashboardQuery {
                    period: PeriodChoice::Custom { from, to },
                    ..q3.clone()
                });
            }
            _ => error.set(Some(t_string!(i18n, error.date).to_string())),
        }
    };
    let owner_value = query.owner.map(|o| o.to_string()).unwrap_or_default();
    let custom = kind == "custom";
    view! {
        <form class="form-row filters" on:submit=apply_custom novalidate aria-label=move || t_string!(i18n, dashboard.filters)>
            <label>
                {t!(i18n, dashboard.period)}
                <select on:change=on_period prop:value=kind>
                    <option value="month">{t!(i18n, dashboard.this_month)}</option>
                    <option value="last_month">{t!(i18n, dashboard.last_month)}</option>
                    <option value="quarter">{t!(i18n, dashboard.quarter)}</option>
                    <option value="year">{t!(i18n, dashboard.year)}</option>
                    <option value="custom">{t!(i18n, dashboard.custom)}</option>
                </select>
            </label>
            {custom.then(|| view! {
                <label>{t!(i18n, dashboard.from)} <input type="date" bind:value=from /></label>
                <label>{t!(i18n, dashboard.to)} <input type="date" bind:value=to /></label>
                <button type="submit">{t!(i18n, dashboard.apply)}</button>
            })}
            <label>
                {t!(i18n, board.salesperson)}
                <select on:change=on_owner prop:value=owner_value>
                    <option value="">{t!(i18n, board.everyone)}</option>
                    {super::widgets::salesperson_options(state)
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                        .collect_view()}
                </select>
            </label>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

#[component]
fn DrillDown() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = expect_context::<DashCtx>();
    // A stage reached by every deal lists them all: a page at a time, and
    // from the first page again for each new selection.
    let paging = Paging::new();
    Effect::watch(
        move || ctx.selected.with(|s| s.as_ref().map(|s| s.what.clone())),
        move |_, _, _| paging.reset(),
        false,
    );
    let total = Signal::derive(move || {
        ctx.selected
            .with(|s| s.as_ref().map_or(0, |s| s.deals.len()))
    });
    let rows = move || {
        let shown = paging.shown();
        ctx.selected.with(|sel| {
            sel.as_ref().map(|sel| {
                let list = state.workspace.with(|ws| {
                    sel.deals[..sel.deals.len().min(shown)]
                        .iter()
                        .filter_map(|id| {
                            let d = ws.deal(*id)?;
                            let stage = ws
                                .stage(d.stage_id)
                                .map(|(_, s)| s.name.clone())
                                .unwrap_or_default();
                            let owner = ws
                                .salesperson(d.owner_id)
                                .map(|s| s.name.clone())
                                .unwrap_or_default();
                            Some((
                                d.id,
                                d.title.clone(),
                                stage,
                                owner,
                                d.value.clone(),
                                d.outcome,
                            ))
                        })
                        .collect::<Vec<_>>()
                });
                (sel.what.clone(), sel.deals.len(), list)
            })
        })
    };
    view! {
        <section id="drill-down" tabindex="-1" class="panel drill-down" aria-label=move || t_string!(i18n, dashboard.behind)>
            {move || match rows() {
                None => view! { <p class="muted small">{t!(i18n, dashboard.click_hint)}</p> }.into_any(),
                Some((what, count, list)) => view! {
                    <h3>{tf!(i18n, dashboard.behind_title, what = what, count = count)}</h3>
                    <button class="link-button" on:click=move |_| ctx.selected.set(None)>{t!(i18n, common.close)}</button>
                    <ul class="plain-list deal-list">
                        {list.into_iter().map(|(id, title, stage, owner, value, outcome)| view! {
                            <li>
                                <a href=Route::Deal(id).hash()>{title}</a>
                                <span class="muted small">
                                    {format!(" · {stage} · {owner} · ")}
                                    {display::money_of(i18n.get_locale_untracked(), &value)}
                                    " · " {labels::outcome(i18n, outcome)}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <ShowMore paging total />
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Funnel(pipeline: Pipeline, d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let ctx = expect_context::<DashCtx>();
    let locale = i18n.get_locale_untracked();
    let currency = state
        .workspace
        .with_untracked(|ws| ws.settings.currency.clone());
    let progression: Vec<Id> = pipeline.progression().iter().map(|s| s.id).collect();
    let rows: Vec<_> = d
        .funnel
        .iter()
        .filter(|f| progression.contains(&f.stage_id))
        .cloned()
        .collect();
    let max = rows
        .iter()
        .map(|r| r.reached.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let hovered = RwSignal::new(None::<String>);
    let row_h = 34.0;
    let width = 640.0;
    let label_w = 170.0;
    let height = row_h * rows.len() as f64 + 8.0;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let name = stage_name(&pipeline, r.stage_id);
            let count = r.reached.len();
            let money = display::money(locale, r.reached_value, &currency);
            let bar_w = ((width - label_w - 150.0) * count as f64 / max as f64).max(2.0);
            let y = 4.0 + row_h * i as f64;
            let describe = tf!(i18n, dashboard.bar_label, stage = name.clone(), count = count, value = money.clone());
            let tip = tf!(
                i18n,
                dashboard.bar_tip,
                stage = name.clone(),
                count = count,
                value = money.clone(),
                open = r.open_now.len(),
                weighted = display::money(locale, r.weighted_value, &currency)
            );
            let (t1, t2) = (tip.clone(), tip);
            let deals = r.reached.clone();
            let what = tf!(i18n, dashboard.reached_what, stage = name.clone());
            let open = move || {
                ctx.selected.set(Some(Selection { what: what.clone(), deals: deals.clone() }));
            };
            let open2 = open.clone();
            view! {
                <g
                    class="bar"
                    tabindex="0"
                    role="button"
                    aria-label=describe
                    on:click=move |_| open()
                    on:keydown=move |ev: ev::KeyboardEvent| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            open2();
                        }
                    }
                    on:mouseenter=move |_| hovered.set(Some(t1.clone()))
                    on:focus=move |_| hovered.set(Some(t2.clone()))
                    on:mouseleave=move |_| hovered.set(None)
                    on:blur=move |_| hovered.set(None)
                >
                    <text x="0" y=y + 21.0 class="bar-label">{short(&name)}</text>
                    <rect x=label_w y=y width=bar_w height=row_h - 8.0 rx="3" class="bar-rect"></rect>
                    <text x=label_w + bar_w + 6.0 y=y + 21.0 class="bar-value">{format!("{count} · {money}")}</text>
                </g>
            }
        })
        .collect_view();
    let table_rows = rows
        .iter()
        .map(|r| {
            let name = stage_name(&pipeline, r.stage_id);
            view! {
                <tr>
                    <th scope="row">{name.clone()}</th>
                    <td class="num"><Num what=tf!(i18n, dashboard.reached_what, stage = name.clone()) text=r.reached.len().to_string() deals=r.reached.clone() /></td>
                    <td class="num">{display::money(locale, r.reached_value, &currency)}</td>
                    <td class="num"><Num what=tf!(i18n, dashboard.open_what, stage = name.clone()) text=r.open_now.len().to_string() deals=r.open_now.clone() /></td>
                    <td class="num">{display::money(locale, r.open_value, &currency)}</td>
                    <td class="num">{display::money(locale, r.weighted_value, &currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="funnel-title">
            <h3 id="funnel-title">{t!(i18n, dashboard.funnel)}</h3>
            <p class="muted small">{t!(i18n, dashboard.funnel_help)}</p>
            <div class="chart">
                <svg viewBox=format!("0 0 {width} {height}") class="funnel-chart" aria-label=move || t_string!(i18n, dashboard.funnel)>
                    {bars}
                </svg>
                <p class="chart-tip" aria-live="polite">{move || hovered.get().unwrap_or_default()}</p>
            </div>
            <div class="table-wrap">
                <table class="data-table" aria-label=move || t_string!(i18n, dashboard.funnel_table)>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, deal.stage)}</th>
                            <th scope="col">{t!(i18n, dashboard.reached)}</th>
                            <th scope="col">{t!(i18n, dashboard.reached_value)}</th>
                            <th scope="col">{t!(i18n, dashboard.open_now)}</th>
                            <th scope="col">{t!(i18n, dashboard.open_value)}</th>
                            <th scope="col">{t!(i18n, dashboard.weighted)}</th>
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Conversions(pipeline: Pipeline, d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let rows = d
        .conversions
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let from = stage_name(&pipeline, c.from);
            let to = stage_name(&pipeline, c.to);
            let step = format!("{from} → {to}");
            let name = spanco_ratio(&pipeline, i).map(|r| spanco_label(i18n, r));
            let width = c.ratio.unwrap_or(0.0) * 100.0;
            view! {
                <tr>
                    <th scope="row">{step.clone()} {name.map(|n| view! { <span class="muted small">{format!(" ({n})")}</span> })}</th>
                    <td class="num"><Num what=tf!(i18n, dashboard.entered_what, step = step.clone()) text=c.entered.len().to_string() deals=c.entered.clone() /></td>
                    <td class="num"><Num what=tf!(i18n, dashboard.advanced_what, step = step.clone()) text=c.advanced.len().to_string() deals=c.advanced.clone() /></td>
                    <td class="num">{percent(c.ratio)}</td>
                    <td class="meter-cell"><span class="meter" aria-hidden="true"><span style:width=format!("{width:.0}%")></span></span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="conversions-title">
            <h3 id="conversions-title">{t!(i18n, dashboard.conversions)}</h3>
            <p class="muted small">{t!(i18n, dashboard.conversions_help)}</p>
            <div class="table-wrap">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, dashboard.step)}</th>
                            <th scope="col">{t!(i18n, dashboard.entered)}</th>
                            <th scope="col">{t!(i18n, dashboard.advanced)}</th>
                            <th scope="col">{t!(i18n, dashboard.ratio)}</th>
                            <th scope="col"><span class="sr-only">{t!(i18n, dashboard.ratio)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PeopleSort {
    Name,
    Prospects,
    Won,
    Lost,
    WinRate,
    Efficiency,
    Unfinished,
    Early,
    DaysToClose,
}

#[component]
fn Salespeople(d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let sort = RwSignal::new((PeopleSort::Name, true));
    let names: Vec<(Id, String)> = super::widgets::salesperson_options(state);
    let stats = d.salespeople.clone();
    let rows = move || {
        let (by, asc) = sort.get();
        let mut list = stats.clone();
        let name = |id: Id| {
            names
                .iter()
                .find(|n| n.0 == id)
                .map(|n| n.1.clone())
                .unwrap_or_default()
        };
        let key = |a: &crate::domain::metrics::SalespersonStats| -> f64 {
            match by {
                PeopleSort::Name => 0.0,
                PeopleSort::Prospects => a.prospects.len() as f64,
                PeopleSort::Won => a.won.len() as f64,
                PeopleSort::Lost => a.lost.len() as f64,
                PeopleSort::WinRate => a.win_rate.unwrap_or(-1.0),
                PeopleSort::Efficiency => a.efficiency.unwrap_or(-1.0),
                PeopleSort::Unfinished => a.unfinished.len() as f64,
                PeopleSort::Early => a.early_stage.len() as f64,
                PeopleSort::DaysToClose => a.average_days_to_close.unwrap_or(-1.0),
            }
        };
        sorting::sort_by(&mut list, |a, b| {
            let o = if by == PeopleSort::Name {
                name(a.salesperson_id)
                    .to_lowercase()
                    .cmp(&name(b.salesperson_id).to_lowercase())
            } else {
                key(a).total_cmp(&key(b))
            };
            if asc {
                o
            } else {
                o.reverse()
            }
        });
        list.into_iter()
            .map(|s| (name(s.salesperson_id), s))
            .collect::<Vec<_>>()
    };
    let header = move |by: PeopleSort, label: String| {
        let aria = move || match sort.get() {
            (c, true) if c == by => "ascending",
            (c, false) if c == by => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button class="sort-button" on:click=move |_| sort.update(|(c, asc)| {
                    if *c == by { *asc = !*asc } else { *c = by; *asc = by == PeopleSort::Name }
                })>{label}</button>
            </th>
        }
    };
    view! {
        <section class="panel" aria-labelledby="people-title">
            <h3 id="people-title">{t!(i18n, dashboard.salespeople)}</h3>
            <p class="muted small">{t!(i18n, dashboard.salespeople_help)}</p>
            <div class="table-wrap">
                <table class="data-table">
                    <thead>
                        <tr>
                            {header(PeopleSort::Name, t_string!(i18n, dashboard.person).to_string())}
                            {header(PeopleSort::Prospects, t_string!(i18n, dashboard.prospects).to_string())}
                            {header(PeopleSort::Won, t_string!(i18n, outcome.won).to_string())}
                            {header(PeopleSort::Lost, t_string!(i18n, outcome.lost).to_string())}
                            {header(PeopleSort::WinRate, t_string!(i18n, dashboard.win_rate).to_string())}
                            {header(PeopleSort::Efficiency, t_string!(i18n, dashboard.efficiency).to_string())}
                            {header(PeopleSort::Unfinished, t_string!(i18n, dashboard.unfinished).to_string())}
                            {header(PeopleSort::Early, t_string!(i18n, dashboard.early).to_string())}
                            {header(PeopleSort::DaysToClose, t_string!(i18n, dashboard.days_to_close).to_string())}
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows().into_iter().map(|(name, s)| view! {
                            <tr>
                                <th scope="row">{name.clone()}</th>
                                <td class="num"><Num what=tf!(i18n, dashboard.prospects_of, name = name.clone()) text=s.prospects.len().to_string() deals=s.prospects.clone() /></td>
                                <td class="num"><Num what=tf!(i18n, dashboard.won_of, name = name.clone()) text=s.won.len().to_string() deals=s.won.clone() /></td>
                                <td class="num"><Num what=tf!(i18n, dashboard.lost_of, name = name.clone()) text=s.lost.len().to_string() deals=s.lost.clone() /></td>
                                <td class="num">{percent(s.win_rate)}</td>
                                <td class="num">{percent(s.efficiency)}</td>
                                <td class="num"><Num what=tf!(i18n, dashboard.unfinished_of, name = name.clone()) text=s.unfinished.len().to_string() deals=s.unfinished.clone() /></td>
                                <td class="num"><Num what=tf!(i18n, dashboard.early_of, name = name.clone()) text=s.early_stage.len().to_string() deals=s.early_stage.clone() /></td>
                                <td class="num">{days(s.average_days_to_close)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn ForecastPanel(d: Dashboard, owner: Option<Id>, first: NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let locale = i18n.get_locale_untracked();
    let currency = state
        .workspace
        .with_untracked(|ws| ws.settings.currency.clone());
    let f = d.forecast.clone();
    let total = (f.sold + f.weighted_open + f.gap).max(f.quota).max(1) as f64;
    let share = |v: i64| v as f64 * 100.0 / total;
    let month = RwSignal::new(format!("{:04}-{:02}", first.year(), first.month()));
    let who = RwSignal::new(owner.map(|o| o.to_string()).unwrap_or_default());
    let amount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(month_start) =
            NaiveDate::parse_from_str(&format!("{}-01", month.get_untracked()), "%Y-%m-%d").ok()
        else {
            error.set(Some(t_string!(i18n, error.date).to_string()));
            return;
        };
        let minor = match parse_amount(&amount.get_untracked()) {
            Ok(v) => v,
            Err(e) => {
                error.set(Some(labels::amount_error(i18n, &e)));
                return;
            }
        };
        let command = Command::SetQuota {
            month: month_start,
            salesperson_id: Uuid::parse_str(&who.get_untracked()).ok(),
            amount_minor: minor,
        };
        match state.apply(command) {
            Ok(()) => {
                error.set(None);
                amount.set(String::new());
            }
            Err(e) => error.set(Some(labels::apply_error(i18n, &e))),
        }
    };
    let money = move |v: i64| display::money(locale, v, &currency);
    view! {
        <section class="panel" aria-labelledby="forecast-title">
            <h3 id="forecast-title">{t!(i18n, dashboard.forecast)}</h3>
            <dl class="figures">
                <div><dt>{t!(i18n, dashboard.sold)}</dt><dd><Num what=t_string!(i18n, dashboard.sold).to_string() text=money(f.sold) deals=f.sold_deals.clone() /></dd></div>
                <div><dt>{t!(i18n, dashboard.expected)}</dt><dd><Num what=t_string!(i18n, dashboard.expected).to_string() text=money(f.weighted_open) deals=f.open_deals.clone() /></dd></div>
                <div><dt>{t!(i18n, dashboard.quota)}</dt><dd>{money(f.quota)}</dd></div>
                <div><dt>{t!(i18n, dashboard.gap)}</dt><dd>{money(f.gap)}</dd></div>
            </dl>
            <div class="stacked" role="img" aria-label=tf!(i18n, dashboard.forecast_bar, sold = money(f.sold), expected = money(f.weighted_open), gap = money(f.gap), quota = money(f.quota))>
                <span class="sold" style:width=format!("{:.1}%", share(f.sold))></span>
                <span class="expected" style:width=format!("{:.1}%", share(f.weighted_open))></span>
                <span class="gap" style:width=format!("{:.1}%", share(f.gap))></span>
            </div>
            <p class="muted small legend">
                <span class="key sold"></span>{t!(i18n, dashboard.sold)} " "
                <span class="key expected"></span>{t!(i18n, dashboard.expected)} " "
                <span class="key gap"></span>{t!(i18n, dashboard.gap)}
            </p>
            {(f.other_currency > 0).then(|| view! { <p class="muted small">{tf!(i18n, board.other_currency, count = f.other_currency)}</p> })}
            <p class="muted small">{t!(i18n, dashboard.forecast_help)}</p>
            <form class="form-row" on:submit=save novalidate aria-label=move || t_string!(i18n, dashboard.set_quota)>
                <label>{t!(i18n, dashboard.quota_month)} <input type="month" bind:value=month /></label>
                <label>
                    {t!(i18n, dashboard.quota_for)}
                    <select prop:value=move || who.get() on:change=move |ev| who.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, dashboard.team)}</option>
                        {super::widgets::salesperson_options(state)
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>{t!(i18n, dashboard.quota_amount)} <input type="text" inputmode="decimal" bind:value=amount /></label>
                <button type="submit">{t!(i18n, dashboard.set_quota)}</button>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
        </section>
    }
}

#[component]
fn TimeInStage(pipeline: Pipeline, d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let rows = d
        .time_in_stage
        .iter()
        .filter(|t| t.stays > 0)
        .map(|t| {
            let slowest = t
                .slowest
                .iter()
                .map(|(id, days_in)| {
                    let title = state
                        .workspace
                        .with_untracked(|ws| ws.deal(*id).map(|d| d.title.clone()))
                        .unwrap_or_default();
                    view! { <li><a href=Route::Deal(*id).hash()>{title}</a> {format!(" ({days_in:.1})")}</li> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{stage_name(&pipeline, t.stage_id)}</th>
                    <td class="num">{t.stays}</td>
                    <td class="num">{days(t.average_days)}</td>
                    <td><ul class="plain-list compact">{slowest}</ul></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="time-title">
            <h3 id="time-title">{t!(i18n, dashboard.time_in_stage)}</h3>
            <div class="table-wrap">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, deal.stage)}</th>
                            <th scope="col">{t!(i18n, dashboard.stays)}</th>
                            <th scope="col">{t!(i18n, dashboard.average_days)}</th>
                            <th scope="col">{t!(i18n, dashboard.slowest)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Breakdowns(d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let locale = i18n.get_locale_untracked();
    let currency = state
        .workspace
        .with_untracked(|ws| ws.settings.currency.clone());
    let c2 = currency.clone();
    let lost = d
        .lost_reasons
        .iter()
        .map(|r| {
            let reason = labels::lost_reason(i18n, r.reason);
            view! {
                <tr>
                    <th scope="row">{reason.clone()}</th>
                    <td class="num"><Num what=tf!(i18n, dashboard.lost_for, reason = reason) text=r.deals.len().to_string() deals=r.deals.clone() /></td>
                    <td class="num">{display::money(locale, r.value, &currency)}</td>
                </tr>
            }
        })
        .collect_view();
    let sources = d
        .sources
        .iter()
        .map(|s| {
            let name = if s.source.is_empty() { t_string!(i18n, dashboard.unknown_source).to_string() } else { s.source.clone() };
            let rate = (!s.deals.is_empty()).then(|| s.won.len() as f64 / s.deals.len() as f64);
            view! {
                <tr>
                    <th scope="row">{name.clone()}</th>
                    <td class="num"><Num what=tf!(i18n, dashboard.from_source, source = name.clone()) text=s.deals.len().to_string() deals=s.deals.clone() /></td>
                    <td class="num"><Num what=tf!(i18n, dashboard.won_from_source, source = name.clone()) text=s.won.len().to_string() deals=s.won.clone() /></td>
                    <td class="num">{display::money(locale, s.won_value, &c2)}</td>
                    <td class="num">{percent(rate)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="two-panels">
            <section class="panel" aria-labelledby="lost-title">
                <h3 id="lost-title">{t!(i18n, dashboard.lost_reasons)}</h3>
                <table class="data-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, lost.reason)}</th>
                        <th scope="col">{t!(i18n, dashboard.deals)}</th>
                        <th scope="col">{t!(i18n, deal.value)}</th>
                    </tr></thead>
                    <tbody>{lost}</tbody>
                </table>
            </section>
            <section class="panel" aria-labelledby="sources-title">
                <h3 id="sources-title">{t!(i18n, dashboard.sources)}</h3>
                <table class="data-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, deal.source)}</th>
                        <th scope="col">{t!(i18n, dashboard.opened)}</th>
                        <th scope="col">{t!(i18n, outcome.won)}</th>
                        <th scope="col">{t!(i18n, dashboard.won_value)}</th>
                        <th scope="col">{t!(i18n, dashboard.conversion)}</th>
                    </tr></thead>
                    <tbody>{sources}</tbody>
                </table>
            </section>
        </div>
    }
}

#[component]
fn Hints(pipeline: Pipeline, d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let items = d
        .hints
        .iter()
        .map(|h| {
            let text = match &h.kind {
                HintKind::FewMeetingsNearClosing => t_string!(i18n, hint.cold_calls).to_string(),
                HintKind::ManyMeetingsFewWins => t_string!(i18n, hint.closing).to_string(),
                HintKind::TopHeavy => t_string!(i18n, hint.top_heavy).to_string(),
                HintKind::Leak { from, to, ratio } => tf!(
                    i18n,
                    hint.leak,
                    from = stage_name(&pipeline, *from),
                    to = stage_name(&pipeline, *to),
                    ratio = display::percent(*ratio)
                ),
                HintKind::IdleDeals => t_string!(i18n, hint.idle).to_string(),
            };
            view! {
                <li>
                    <span>{text.clone()}</span> " "
                    <Num what=text text=tf!(i18n, hint.show, count = h.deals.len()) deals=h.deals.clone() />
                </li>
            }
        })
        .collect_view();
    let empty = d.hints.is_empty();
    view! {
        <section class="panel hints" aria-labelledby="hints-title">
            <h3 id="hints-title">{t!(i18n, dashboard.diagnosis)}</h3>
            {if empty {
                view! { <p class="muted">{t!(i18n, hint.none)}</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{items}</ul> }.into_any()
            }}
        </section>
    }
}
