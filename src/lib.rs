//! A sales pipeline CRM that runs entirely in the browser.
//!
//! `domain` is the CRM itself and knows nothing of the browser; `storage` is
//! the only module that touches localStorage; `ui` renders the screens and
//! sends every change through the domain's one door, [`domain::Workspace::apply`].

pub mod domain;
pub mod storage;
pub mod ui;
