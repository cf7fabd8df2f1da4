//! The page frame every page shares, and the GOV.UK-style components pages
//! are built from (error summary, summary list, form fields).

use maud::{DOCTYPE, Markup, html};
use tandem_domain::permissions::importable_organisations;

use crate::session::Caller;

/// A whole page: header with navigation for a signed-in caller, the
/// content, and a footer.
pub fn page(title: &str, caller: Option<&Caller>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Tandem" }
                link rel="stylesheet" href="/assets/tandem.css";
            }
            body {
                a.skip-link href="#main-content" { "Skip to main content" }
                header.header {
                    div.header__inner {
                        a.header__service href="/" { "Tandem" }
                        @if let Some(caller) = caller {
                            nav aria-label="Main" {
                                ul.header__nav {
                                    li { a href="/" { "Home" } }
                                    li { a href="/people" { "People" } }
                                    li { a href="/programmes" { "Programmes" } }
                                    @if !importable_organisations(&caller.principal).is_empty() {
                                        li { a href="/people/import" { "Import people" } }
                                    }
                                    li.header__user { "Signed in as " (caller.principal.display_name) }
                                    li {
                                        form method="post" action="/sign-out" {
                                            input type="hidden" name="csrf" value=(caller.csrf_token);
                                            button.link-button type="submit" { "Sign out" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div.width-container {
                    main id="main-content" tabindex="-1" { (content) }
                }
                footer.footer {
                    div.width-container {
                        "Tandem runs staff mentoring schemes. What passes between a mentor and a mentee stays between them."
                    }
                }
            }
        }
    }
}

/// A page that only says something: errors, not-found.
pub fn message_page(title: &str, message: &str) -> Markup {
    page(
        title,
        None,
        html! {
            h1 { (title) }
            p { (message) }
            p { a href="/" { "Go to your home page" } }
        },
    )
}

/// One problem to show in an error summary, linked to its field.
pub struct Problem {
    pub field_id: String,
    pub message: String,
}

/// The error summary at the top of a form page (GOV.UK pattern): a list of
/// links to each field with a problem.
pub fn error_summary(problems: &[Problem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 id="error-summary-title" { "There is a problem" }
                ul {
                    @for problem in problems {
                        li { a href={ "#" (problem.field_id) } { (problem.message) } }
                    }
                }
            }
        }
    }
}

/// The message for one field, if it has a problem.
pub fn field_problem<'a>(problems: &'a [Problem], id: &str) -> Option<&'a str> {
    problems
        .iter()
        .find(|p| p.field_id == id)
        .map(|p| p.message.as_str())
}

/// A labelled text input with its hint and error message.
pub fn text_field(
    id: &str,
    label: &str,
    kind: &str,
    value: &str,
    autocomplete: &str,
    problems: &[Problem],
) -> Markup {
    let problem = field_problem(problems, id);
    let error_id = format!("{id}-error");
    html! {
        div.form-group.form-group--error[problem.is_some()] {
            label for=(id) { (label) }
            @if let Some(message) = problem {
                span.error-message id=(error_id) { span.visually-hidden { "Error: " } (message) }
            }
            input.input--error[problem.is_some()] type=(kind) id=(id) name=(id) value=(value)
                autocomplete=(autocomplete) spellcheck="false"
                aria-describedby=[problem.map(|_| error_id.as_str())];
        }
    }
}

/// A row of a summary list; empty values show as "Not recorded".
pub fn summary_row(key: &str, value: Option<&str>) -> Markup {
    html! {
        div.summary-list__row {
            dt.summary-list__key { (key) }
            dd.summary-list__value {
                @match value.filter(|v| !v.trim().is_empty()) {
                    Some(v) => (v),
                    None => span.hint { "Not recorded" },
                }
            }
        }
    }
}

/// A path's id, or "not found" for anything that is not a number.
pub fn parse_id(id: &str) -> Result<i64, crate::error::PageError> {
    id.parse().map_err(|_| crate::error::PageError::NotFound)
}

/// Field errors from a use case, as problems linked to the input of the
/// same name.
pub fn problems(errors: Vec<tandem_app::FieldError>) -> Vec<Problem> {
    errors
        .into_iter()
        .map(|e| Problem {
            field_id: e.field,
            message: crate::error::capitalise(&e.message),
        })
        .collect()
}

/// The message beside a field that has a problem (GOV.UK error message).
pub fn error_message(problems: &[Problem], id: &str) -> Markup {
    html! {
        @if let Some(message) = field_problem(problems, id) {
            span.error-message id={ (id) "-error" } { span.visually-hidden { "Error: " } (message) }
        }
    }
}

/// The `aria-describedby` of a field: its hint and its error, if any.
pub fn described_by(problems: &[Problem], id: &str, hint: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if field_problem(problems, id).is_some() {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A stored time (Unix seconds) as people read it, in UTC.
pub fn format_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}
