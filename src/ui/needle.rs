//! What a search box looks for, found in any case. Searches run over every
//! deal or client on each keystroke, so an ASCII needle (most are) is found
//! without lowering each text it is held against.

/// A search's text, lower case.
pub struct Needle {
    text: String,
    ascii: bool,
}

impl Needle {
    /// The needle for what was typed, without the spaces around it.
    pub fn new(search: &str) -> Self {
        let text = search.trim().to_lowercase();
        let ascii = text.is_ascii();
        Needle { text, ascii }
    }

    /// Nothing typed: everything matches.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether `hay` holds the needle, whatever the case of either.
    pub fn in_text(&self, hay: &str) -> bool {
        if self.ascii {
            let needle = self.text.as_bytes();
            needle.is_empty()
                || hay
                    .as_bytes()
                    .windows(needle.len())
                    .any(|w| w.eq_ignore_ascii_case(needle))
        } else {
            hay.to_lowercase().contains(&self.text)
        }
    }

    /// Whether `hay` is the needle, whatever the case of either.
    pub fn is_text(&self, hay: &str) -> bool {
        if self.ascii {
            hay.eq_ignore_ascii_case(&self.text)
        } else {
            hay.to_lowercase() == self.text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_needle_is_found_in_any_case_and_around_spaces() {
        let n = Needle::new("  ACme ");
        assert!(n.in_text("The acme company"));
        assert!(n.is_text("Acme"));
        assert!(!n.in_text("Acne"));
        let greek = Needle::new("ΣΠΊΤΙ");
        assert!(greek.in_text("Ένα σπίτι"));
        assert!(Needle::new("").in_text("anything"));
    }
}
