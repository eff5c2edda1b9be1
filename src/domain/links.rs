//! Turning what a user typed into a link, only when it is safe: a website
//! becomes an http or https link, an e-mail address a `mailto:` link that
//! carries the address alone, a phone number a `tel:` link of its digits.
//! Anything else (`javascript:`, `data:`, …) is never a link; the client form
//! refuses a website or e-mail address that would not become one.

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
    valid.then(|| candidate.to_ascii_lowercase())
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
    match kind {
        LinkKind::Web => web_href(cleaned),
        LinkKind::Email => {
            let address = match scheme(cleaned).as_deref() {
                Some("mailto") => &cleaned["mailto:".len()..],
                _ => cleaned,
            };
            is_email_address(address).then(|| format!("mailto:{address}"))
        }
        LinkKind::Phone => {
            let number = match scheme(cleaned).as_deref() {
                Some("tel") => &cleaned["tel:".len()..],
                Some(_) => return None,
                None => cleaned,
            };
            let digits: String = number
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            (digits.chars().filter(char::is_ascii_digit).count() >= 3)
                .then(|| format!("tel:{digits}"))
        }
    }
}

fn web_href(text: &str) -> Option<String> {
    match scheme(text).as_deref() {
        Some("http" | "https") => {
            let rest = text.split_once("://")?.1;
            (looks_like_host(rest) && !text.contains(' ')).then(|| text.to_string())
        }
        // "localhost:8080" or "example.com:443/x" read as a scheme only when
        // followed by "//"; a port is not a scheme.
        Some(_) if !text.contains("://") && looks_like_host(text) => {
            Some(format!("https://{text}"))
        }
        Some(_) => None,
        None if looks_like_host(text) && !text.contains(' ') => Some(format!("https://{text}")),
        None => None,
    }
}

/// One address: a local part and a domain, with nothing a `mailto:` link
/// would read as more recipients or as headers (`?`, `&`, `,`, …).
fn is_email_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let plain = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '\''))
    };
    plain(local)
        && !domain.contains('@')
        && looks_like_host(domain)
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}

fn looks_like_host(text: &str) -> bool {
    let host = text.split(['/', ':', '?', '#']).next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}
