//! What any text a person sends must be, whatever it is for: no NUL
//! character (PostgreSQL refuses one and SQLite would store it silently),
//! and, for a search or filter, no longer than a search needs.

/// The longest search or filter text accepted, in characters.
pub const MAX_FILTER_CHARS: usize = 200;

/// What is wrong with a text field's value, if anything.
pub fn text_problem(value: &str) -> Option<&'static str> {
    value
        .contains('\0')
        .then_some("must not contain a NUL character")
}

/// What is wrong with a search or filter's value, if anything.
pub fn filter_problem(value: &str) -> Option<String> {
    if let Some(problem) = text_problem(value) {
        return Some(problem.to_owned());
    }
    (value.chars().count() > MAX_FILTER_CHARS)
        .then(|| format!("must be {MAX_FILTER_CHARS} characters or fewer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_no_nul_and_a_filter_is_short() {
        assert_eq!(text_problem("Ada"), None);
        assert!(text_problem("A\0da").is_some());
        assert_eq!(filter_problem(&"é".repeat(MAX_FILTER_CHARS)), None);
        assert!(filter_problem(&"a".repeat(MAX_FILTER_CHARS + 1)).is_some());
        assert!(filter_problem(&"a".repeat(50_001)).is_some());
        assert!(filter_problem("team\0").is_some());
    }
}
