//! A person's own characteristics for matching, each with a box to let
//! matching use it (MAT-1, issue 11). Only the person sees this page and
//! what they wrote on it.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_domain::identity::{Characteristic, PersonIdentity};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{Form, PageCaller};
use crate::forms::{Fields, Problem, csrf_field, error_summary, problems};
use crate::layout::{invalid_page, page};
use crate::state::AppState;

const TITLE: &str = "About you, for matching";

fn profile_content(
    caller: &Caller,
    identity: &PersonIdentity,
    saved: bool,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    html! {
        (error_summary(problems))
        @if saved {
            div.panel-success role="status" {
                h2 { "Saved" }
                p { "Matching uses what you agreed to from now on." }
            }
        }
        h1 { (TITLE) }
        p { "A mentee may ask for a mentor who shares something with them: their gender, culture, ethnicity, religion or sexual orientation. If you mentor, you can say yours here, and choose for each whether matching may use it." }
        p { "Everything here is optional. Only you see this page. Matching uses an answer only if you tick the box under it. When it does, and it matches what a mentee asked for, the coordinator who matches you and you yourself read that it helped make the match; nobody else sees it." }
        form method="post" action="/profile" novalidate {
            (csrf_field(&caller.csrf_token))
            @for characteristic in Characteristic::ALL {
                @let recorded = identity.get(characteristic);
                @let hint = if characteristic.special_category() {
                    "Optional. This is special category data: it is used only with your agreement."
                } else {
                    "Optional."
                };
                (fields.text(characteristic.as_str(), characteristic.label()).hint(hint).value(&recorded.value))
                (fields.checkboxes(characteristic.consent_field(), &format!("Matching on your {}", characteristic.noun()))
                    .checkbox(characteristic.consent_field(), consent_label(characteristic), recorded.consent))
            }
            button.button type="submit" { "Save" }
        }
        p { "You can change or clear any answer, or take back your agreement, at any time. Matches already made are not changed." }
        p { a href="/" { "Back to your home page" } }
    }
}

fn consent_label(characteristic: Characteristic) -> &'static str {
    match characteristic {
        Characteristic::Gender => "I agree that matching may use my gender",
        Characteristic::Culture => "I agree that matching may use my culture or background",
        Characteristic::Race => "I agree that matching may use my ethnicity",
        Characteristic::Religion => "I agree that matching may use my religion or belief",
        Characteristic::Sexuality => "I agree that matching may use my sexual orientation",
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /profile`.
pub async fn profile(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<Saved>,
) -> Result<Markup, PageError> {
    let identity = state.app.own_identity(&caller.principal).await?;
    Ok(page(
        TITLE,
        Some(&caller),
        profile_content(&caller, &identity, query.saved.is_some(), &[]),
    ))
}

/// `POST /profile`: a text field and a consent box per characteristic.
pub async fn save_profile(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut typed = PersonIdentity::default();
    for (name, value) in pairs {
        if let Some(characteristic) = Characteristic::parse(&name) {
            typed.get_mut(characteristic).value = value;
        } else if let Some(characteristic) = Characteristic::ALL
            .into_iter()
            .find(|c| c.consent_field() == name)
        {
            typed.get_mut(characteristic).consent = !value.is_empty();
        }
    }
    match state
        .app
        .save_own_identity(&caller.principal, typed.clone())
        .await
    {
        Ok(_) => Ok(Redirect::to("/profile?saved=1").into_response()),
        Err(AppError::Invalid(errors)) => Ok(invalid_page(
            &caller,
            TITLE,
            profile_content(&caller, &typed, false, &problems(errors)),
        )),
        Err(other) => Err(other.into()),
    }
}
