//! The self-assessment a mentee answers before their mentoring starts
//! (REQ-2), from the programme's questionnaire.

use crate::extract::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use tandem_app::AppError;
use tandem_app::requests::SelfAssessmentForm;
use tandem_domain::ids::RequestId;
use tandem_domain::register::question_field;

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::{Fields, Problem, csrf_field, error_summary, problems};
use crate::layout::{back_link, invalid_page, page};
use crate::state::AppState;

fn self_assessment_content(
    caller: &Caller,
    form: &SelfAssessmentForm,
    typed: &[String],
    problems: &[Problem],
) -> Markup {
    let scale: Vec<(String, String)> = form
        .scale
        .iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), l.clone()))
        .collect();
    let options: Vec<(&str, &str)> = scale
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    let fields = Fields::new(problems);
    html! {
        (back_link(&format!("/requests/{}", form.request.id)))
        (error_summary(problems))
        span.caption { "Before your mentoring starts" }
        h1 { (form.questionnaire.name) }
        p { "Rate yourself on each statement. You answer the same questions at the end, so you and the programme can see what changed. Only you and the coordinator see your answers." }
        form method="post" action={ "/requests/" (form.request.id) "/self-assessment" } novalidate {
            (csrf_field(&caller.csrf_token))
            @for (index, question) in form.questions.iter().enumerate() {
                @let field = question_field(index);
                @let chosen = typed.get(index).map_or("", String::as_str);
                (fields.radios(&field, question).options(&options).chosen(chosen))
            }
            button.button type="submit" { "Save answers" }
        }
        p { a href={ "/requests/" (form.request.id) } { "Back to your request" } }
    }
}

/// `GET /requests/{id}/self-assessment`.
pub async fn self_assessment_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RequestId>,
) -> Result<Markup, PageError> {
    let form = state
        .app
        .self_assessment_form(&caller.principal, id)
        .await?;
    let typed: Vec<String> = form
        .answers
        .clone()
        .unwrap_or_default()
        .iter()
        .map(u8::to_string)
        .collect();
    Ok(page(
        &form.questionnaire.name.clone(),
        Some(&caller),
        self_assessment_content(&caller, &form, &typed, &[]),
    ))
}

/// `POST /requests/{id}/self-assessment`: fields q1, q2, ….
pub async fn save_self_assessment(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RequestId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = state
        .app
        .self_assessment_form(&caller.principal, id)
        .await?;
    let typed: Vec<String> = (0..form.questions.len())
        .map(|i| {
            let field = question_field(i);
            pairs
                .iter()
                .find(|(k, _)| *k == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect();
    match state
        .app
        .save_self_assessment(&caller.principal, id, &typed)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}?answered=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let name = form.questionnaire.name.clone();
            Ok(invalid_page(
                &caller,
                &name,
                self_assessment_content(&caller, &form, &typed, &problems(errors)),
            ))
        }
        Err(other) => Err(other.into()),
    }
}
