//! The page frame every page shares, the plain pages that only say
//! something, and the summary list that shows a record. Form inputs are in
//! `forms`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use tandem_domain::permissions::importable_organisations;

use crate::caller::Caller;

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
                                    @if caller.principal.person_id.is_some() {
                                        li { a href="/profile" { "About you" } }
                                    }
                                    li { a href="/sessions" { "Your sessions" } }
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
    message_page_for(None, title, message)
}

/// [`message_page`] with the signed-in caller's navigation.
pub fn message_page_for(caller: Option<&Caller>, title: &str, message: &str) -> Markup {
    page(
        title,
        caller,
        html! {
            h1 { (title) }
            p { (message) }
            p { a href="/" { "Go to your home page" } }
        },
    )
}

/// A form sent back with its mistakes: 422, with "Error: " before the
/// title (GOV.UK pattern), so a screen reader announces it first.
pub fn invalid_page(caller: &Caller, title: &str, content: Markup) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&format!("Error: {title}"), Some(caller), content),
    )
        .into_response()
}

/// The GOV.UK back link, at the top of a form page.
pub fn back_link(href: &str) -> Markup {
    html! { a.back-link href=(href) { "Back" } }
}

/// A number with its noun, singular for one: "1 mentee", "3 mentees".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// 1234567 as "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Links to the previous and next of `pages` pages, and where this one
/// is; nothing when everything fits on one page. `link(n)` is page n's
/// address, keeping the listing's search and filters.
pub fn pager(page: i64, pages: i64, link: impl Fn(i64) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav aria-label="Pages of results" {
                ul.pagination {
                    @if page > 1 { li { a href=(link(page - 1)) rel="prev" { "Previous page" } } }
                    li { "Page " (page) " of " (pages) }
                    @if page < pages { li { a href=(link(page + 1)) rel="next" { "Next page" } } }
                }
            }
        }
    }
}

/// Links to the previous and next pages of a listing that is not counted,
/// and which page this is; nothing on a first page with no more.
pub fn pager_without_count(page: i64, more: bool, link: impl Fn(i64) -> String) -> Markup {
    html! {
        @if page > 1 || more {
            nav aria-label="Pages of results" {
                ul.pagination {
                    @if page > 1 { li { a href=(link(page - 1)) rel="prev" { "Previous page" } } }
                    li { "Page " (page) }
                    @if more { li { a href=(link(page + 1)) rel="next" { "Next page" } } }
                }
            }
        }
    }
}

/// A page number from a query string: anything but a whole number from 1
/// is the first page.
pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
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

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
        assert_eq!(super::thousands(500_000), "500,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
        assert_eq!(super::counted(20_000, "pair", "pairs"), "20,000 pairs");
        assert_eq!(super::counted(1, "pair", "pairs"), "1 pair");
    }
}
