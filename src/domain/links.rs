//! Turning what a user typed into a link, only when it is safe: http, https,
//! mailto and tel. Anything else (`javascript:`, `data:`, …) stays plain text.

/// What a contact field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// A website; a bare domain gets `https://`.
    Web,
    /// An e-mail address; gets `mailto:`.
    Email,
    /// A phone number; gets `tel:`.
    Phone,
}

const ALLOWED: [&str; 4] = ["http:", "https:", "mailto:", "tel:"];

fn scheme(text: &str) -> Option<String> {
    let colon = text.find(':')?;
    let candidate = &text[..colon];
    let valid = !candidate.is_empty()
        && candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| format!("{}:", candidate.to_ascii_lowercase()))
}

/// The `href` for `text` of the given kind, or `None` when it must not be a link.
pub fn safe_href(kind: LinkKind, text: &str) -> Option<String> {
    // Browsers ignore tabs and newlines inside URLs ("java\tscript:"), and
    // leading control characters; remove them before judging the scheme.
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() || *c == ' ')
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return None;
    }
    match scheme(cleaned) {
        Some(s) if ALLOWED.contains(&s.as_str()) => Some(cleaned.to_string()),
        // "localhost:8080" or "example.com:443/x" read as a scheme only when
        // followed by "//"; a port is not a scheme.
        Some(_)
            if kind == LinkKind::Web && !cleaned.contains("://") && looks_like_host(cleaned) =>
        {
            Some(format!("https://{cleaned}"))
        }
        Some(_) => None,
        None => match kind {
            LinkKind::Web if looks_like_host(cleaned) => Some(format!("https://{cleaned}")),
            LinkKind::Web => None,
            LinkKind::Email if cleaned.contains('@') && !cleaned.contains(' ') => {
                Some(format!("mailto:{cleaned}"))
            }
            LinkKind::Email => None,
            LinkKind::Phone => {
                let digits: String = cleaned
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect();
                (digits.chars().filter(char::is_ascii_digit).count() >= 3)
                    .then(|| format!("tel:{digits}"))
            }
        },
    }
}

fn looks_like_host(text: &str) -> bool {
    let host = text.split(['/', ':']).next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}
