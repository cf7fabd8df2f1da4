//! Relationships (issue 10 item 13): every operation of the pages, as
//! JSON. What a response carries is what the caller may see — the app
//! decides; content fields are absent for anyone but the pair (or those a
//! document is sent to). In a programme that keeps no notes (CWT) a
//! meeting sent with notes is refused with 422 and nothing is stored.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_app::AppError;
use tandem_app::relationships::{
    CancellationInput, CompletionStep, IntroductionInput, MeetingRecordChange, MeetingsShown,
    RelationshipSummary, RelationshipView,
};
use tandem_domain::relationship::agreement::AgreementInput;
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_domain::relationship::plan::{
    ActionInput, ActionPlanInput, ActionPointInput, GoalInput, MilestoneInput,
};
use tandem_domain::relationship::stages::StageInput;
use tandem_domain::relationship::{MeetingId, RelationshipId, party_name};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Created, rfc3339};
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, Json, PathId, PathIds, Query};
use crate::pages::relationships::step_request;
use crate::state::AppState;

/// A relationship in a listing.
#[derive(Serialize, ToSchema)]
pub struct RelationshipItem {
    id: i64,
    programme_id: i64,
    programme: String,
    mentee: String,
    mentor: String,
    /// Absent for a line manager, who sees only that it exists.
    state: Option<String>,
    started_on: String,
    meetings_held: Option<usize>,
    next_due: Option<String>,
    /// Compliance flags in words (metadata only).
    flags: Vec<String>,
    /// The time it implies.
    time_commitment: Option<String>,
}

impl From<RelationshipSummary> for RelationshipItem {
    fn from(row: RelationshipSummary) -> Self {
        RelationshipItem {
            id: row.id.get(),
            programme_id: row.programme_id.get(),
            programme: row.programme_name,
            mentee: row.mentee_name,
            mentor: row.mentor_name,
            state: row.state.map(|s| s.as_str().to_owned()),
            started_on: row.started_on.to_string(),
            meetings_held: row.meetings_held,
            next_due: row.next_due.map(|d| d.to_string()),
            flags: row.flags,
            time_commitment: row.time_commitment,
        }
    }
}

/// The relationships the caller may see.
#[utoipa::path(get, path = "/api/relationships", responses(
    (status = 200, body = [RelationshipItem]),
))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<RelationshipItem>>, ApiError> {
    let rows = state.app.relationships(&caller.principal, None).await?;
    Ok(Json(rows.into_iter().map(RelationshipItem::from).collect()))
}

/// One task of the task list.
#[derive(Serialize, ToSchema)]
pub struct TaskItem {
    name: String,
    status: String,
    next: String,
}

/// An agreement version's clause.
#[derive(Serialize, ToSchema)]
pub struct ClauseItem {
    heading: String,
    text: String,
}

/// The agreement as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct AgreementItem {
    version: Option<u32>,
    in_force: bool,
    /// Who has still to sign the current version.
    awaiting: Vec<String>,
    time_commitment: Option<String>,
    /// The current version's clauses; absent unless the caller may read them.
    clauses: Option<Vec<ClauseItem>>,
}

/// A meeting as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct MeetingItem {
    id: i64,
    date: String,
    minutes: i64,
    kind: Option<String>,
    /// The record; absent unless the caller may read it.
    record: Option<String>,
    awaiting: Vec<String>,
}

/// One event of the record.
#[derive(Serialize, ToSchema)]
pub struct EventItem {
    at: String,
    party: String,
    from: String,
    to: String,
    summary: String,
    /// Someone's own words: the pair only.
    words: Option<String>,
}

/// A relationship as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct RelationshipDetail {
    id: i64,
    /// How the caller sees it: mentee, mentor, coordinator, supervising_social_worker, administrator, line_manager.
    access: String,
    programme: String,
    mentee: String,
    mentor: String,
    /// Absent for a line manager.
    state: Option<String>,
    started_on: String,
    agreed_on: Option<String>,
    planned_end: Option<String>,
    tasks: Vec<TaskItem>,
    agreement: AgreementItem,
    /// The latest meetings, or all of them with `?meetings=all`.
    meetings: Vec<MeetingItem>,
    /// How many meetings have been recorded in all.
    meetings_total: usize,
    history: Vec<EventItem>,
}

fn detail(view: RelationshipView) -> RelationshipDetail {
    let existence_only = view.existence_only();
    let current = view.agreement.current();
    RelationshipDetail {
        id: view.id.get(),
        access: serde_json::to_value(view.access)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        programme: view.programme_name.clone(),
        mentee: view.mentee_name.clone(),
        mentor: view.mentor_name.clone(),
        state: (!existence_only).then(|| view.state.as_str().to_owned()),
        started_on: view.started_on.to_string(),
        agreed_on: view.agreed_on.map(|d| d.to_string()),
        planned_end: view.planned_end.map(|d| d.to_string()),
        tasks: if existence_only {
            Vec::new()
        } else {
            view.tasks
                .iter()
                .map(|t| TaskItem {
                    name: t.name.to_owned(),
                    status: t.status.label().to_owned(),
                    next: t.next.clone(),
                })
                .collect()
        },
        agreement: AgreementItem {
            version: current.map(|v| v.number),
            in_force: view.agreement.in_force,
            awaiting: view
                .agreement
                .awaiting
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            time_commitment: view.agreement.time_commitment.clone(),
            clauses: current.and_then(|v| v.clauses.as_ref()).map(|clauses| {
                clauses
                    .iter()
                    .map(|c| ClauseItem {
                        heading: c.heading.clone(),
                        text: c.text.clone(),
                    })
                    .collect()
            }),
        },
        meetings_total: view.meetings_total,
        meetings: view
            .meetings
            .iter()
            .map(|m| MeetingItem {
                id: m.id.get(),
                date: m.date.to_string(),
                minutes: m.minutes,
                kind: m.kind.map(|k| k.as_str().to_owned()),
                record: m.record.as_ref().map(|r| r.text.clone()),
                awaiting: m.awaiting.iter().map(|p| p.as_str().to_owned()).collect(),
            })
            .collect(),
        history: view
            .history
            .iter()
            .map(|h| EventItem {
                at: rfc3339(h.at),
                party: party_name(h.party).to_owned(),
                from: h.from.as_str().to_owned(),
                to: h.to.as_str().to_owned(),
                summary: h.summary.clone(),
                words: h.words.clone(),
            })
            .collect(),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct DetailParams {
    /// `all` lists every meeting; `latest` (the default) the latest 20.
    /// `meetings_total` says how many there are.
    meetings: Option<String>,
}

/// A relationship; 404 for anyone who may not see it.
#[utoipa::path(get, path = "/api/relationships/{id}", params(("id" = i64, Path), DetailParams), responses(
    (status = 200, body = RelationshipDetail),
    (status = 404, body = ApiErrorBody),
    (status = 422, description = "meetings is neither latest nor all", body = ApiErrorBody),
))]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Query(params): Query<DetailParams>,
) -> Result<Json<RelationshipDetail>, ApiError> {
    let shown = match params.meetings.as_deref() {
        None | Some("latest") => MeetingsShown::Latest,
        Some("all") => MeetingsShown::All,
        Some(_) => {
            return Err(AppError::invalid("meetings", "meetings is latest or all").into());
        }
    };
    Ok(Json(detail(
        state
            .app
            .relationship_showing(&caller.principal, id, shown)
            .await?,
    )))
}

/// A step of the state machine.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct StepBody {
    /// agree, complete, start_review, no_match, review or leave.
    step: String,
    /// For no_match: reasons from the programme's list.
    reasons: Vec<String>,
    /// For no_match: in the pair's own words.
    detail: String,
    /// For review: continue, amend, extend or end.
    outcome: String,
    /// For review with extend: how many months.
    months: String,
    /// For review with extend, or leave: why (leave: optional, the pair's only).
    reason: String,
    /// For leave: withdraw, end_early or request_new_mentor.
    choice: String,
    /// For leave: the kind of reason (all a coordinator sees).
    category: String,
}

/// The new state after a step.
#[derive(Serialize, ToSchema)]
pub struct StepDone {
    state: String,
}

/// Moves the relationship on; a step the rules refuse is 409 with the reason.
#[utoipa::path(post, path = "/api/relationships/{id}/steps", params(("id" = i64, Path)), request_body = StepBody, responses(
    (status = 200, body = StepDone),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn step(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<StepBody>,
) -> Result<Json<StepDone>, ApiError> {
    // Someone who may not see it is told it does not exist, whatever they sent.
    state.app.relationship(&caller.principal, id).await?;
    let mut form: HashMap<String, String> = HashMap::from([
        ("step".to_owned(), body.step),
        ("detail".to_owned(), body.detail),
        ("outcome".to_owned(), body.outcome),
        ("months".to_owned(), body.months),
        ("reason".to_owned(), body.reason),
        ("choice".to_owned(), body.choice),
        ("category".to_owned(), body.category),
    ]);
    for reason in body.reasons {
        form.insert(format!("reason_{reason}"), "yes".to_owned());
    }
    let step = step_request(&form)?;
    let to = state
        .app
        .relationship_step(&caller.principal, id, step)
        .await?;
    Ok(Json(StepDone {
        state: to.as_str().to_owned(),
    }))
}

/// The introductory meeting as arranged.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct IntroductionBody {
    /// YYYY-MM-DD.
    date: String,
    /// HH:MM.
    time: String,
    minutes: String,
    place: String,
}

/// Arranges the introductory meeting (by whoever the programme names).
#[utoipa::path(post, path = "/api/relationships/{id}/introduction", params(("id" = i64, Path)), request_body = IntroductionBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn arrange(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<IntroductionBody>,
) -> Result<StatusCode, ApiError> {
    let input = IntroductionInput {
        date: body.date,
        time: body.time,
        minutes: body.minutes,
        place: body.place,
    };
    state
        .app
        .arrange_introduction(&caller.principal, id, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The agreement as drafted.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AgreementBody {
    /// One text per programme content item, in order; empty accepts it as written.
    clauses: Vec<String>,
    length_months: String,
    /// YYYY-MM-DD each.
    review_dates: Vec<String>,
    meet_every: String,
    /// weeks or months.
    meet_every_unit: String,
    min_minutes: String,
    max_minutes: String,
    contacts_per_week: String,
    time_allowance_minutes: String,
    /// Documents sent to the coordinator: agreement, action_plan, meeting_records.
    documents_to_coordinator: Vec<String>,
}

/// Drafts or changes the agreement; after a signature it makes a new version.
#[utoipa::path(post, path = "/api/relationships/{id}/agreement", params(("id" = i64, Path)), request_body = AgreementBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn save_agreement(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<AgreementBody>,
) -> Result<StatusCode, ApiError> {
    let input = AgreementInput {
        clauses: body.clauses,
        length_months: body.length_months,
        review_dates: body.review_dates,
        meet_every: body.meet_every,
        meet_every_unit: body.meet_every_unit,
        min_minutes: body.min_minutes,
        max_minutes: body.max_minutes,
        contacts_per_week: body.contacts_per_week,
        time_allowance_minutes: body.time_allowance_minutes,
        documents_to_coordinator: body.documents_to_coordinator,
    };
    state
        .app
        .save_agreement(&caller.principal, id, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The version the signer read.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SignatureBody {
    version: u32,
}

/// Signs the current version; refused (409) if it is not the version read.
#[utoipa::path(post, path = "/api/relationships/{id}/agreement/signatures", params(("id" = i64, Path)), request_body = SignatureBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
))]
pub async fn sign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<SignatureBody>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .sign_agreement(&caller.principal, id, body.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An action point from a meeting.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct ActionPointBody {
    what: String,
    /// mentee or mentor.
    owner: String,
    /// YYYY-MM-DD.
    due: String,
}

impl From<ActionPointBody> for ActionPointInput {
    fn from(body: ActionPointBody) -> Self {
        ActionPointInput {
            what: body.what,
            owner: body.owner,
            due: body.due,
        }
    }
}

/// A meeting that took place.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MeetingBody {
    /// YYYY-MM-DD.
    date: String,
    minutes: String,
    /// face_to_face, telephone, video or email.
    kind: String,
    /// Refused (422) where the programme keeps no notes.
    notes: Option<String>,
    action_points: Vec<ActionPointBody>,
}

/// Records a meeting.
#[utoipa::path(post, path = "/api/relationships/{id}/meetings", params(("id" = i64, Path)), request_body = MeetingBody, responses(
    (status = 201, body = Created),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn record_meeting(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<MeetingBody>,
) -> Result<Response, ApiError> {
    let input = MeetingInput {
        date: body.date,
        minutes: body.minutes,
        kind: body.kind,
        notes: body.notes,
        action_points: body.action_points.into_iter().map(Into::into).collect(),
    };
    let meeting = state
        .app
        .record_meeting(&caller.principal, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(meeting.get()))).into_response())
}

/// A meeting called off (MTG-4).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CancellationBody {
    /// YYYY-MM-DD: when it was to be.
    date: String,
    /// HH:MM.
    time: String,
    /// YYYY-MM-DD, or empty.
    new_date: String,
}

/// Records a meeting called off, now; whether it came late is judged by the
/// programme's notice rule and shown on the relationship.
#[utoipa::path(post, path = "/api/relationships/{id}/cancellations", params(("id" = i64, Path)), request_body = CancellationBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn record_cancellation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<CancellationBody>,
) -> Result<StatusCode, ApiError> {
    let input = CancellationInput {
        date: body.date,
        time: body.time,
        new_date: body.new_date,
    };
    state
        .app
        .record_cancellation(&caller.principal, id, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Agrees a meeting's record.
#[utoipa::path(post, path = "/api/relationships/{id}/meetings/{meeting}/agreement", params(("id" = i64, Path), ("meeting" = i64, Path)), responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
))]
pub async fn agree_record(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathIds(id, meeting): PathIds<RelationshipId, MeetingId>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .change_meeting_record(&caller.principal, id, meeting, &MeetingRecordChange::Agree)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A SMART goal.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct GoalBody {
    what: String,
    measure: String,
    by: String,
    strategies: String,
}

/// An action, for goal number `goal` (from 1).
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct ActionBody {
    what: String,
    owner: String,
    due: String,
    goal: String,
}

/// A milestone: what marks progress, and by when (YYYY-MM-DD).
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct MilestoneBody {
    what: String,
    by: String,
}

/// The action plan (PLN-1).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PlanBody {
    needs: String,
    strengths: String,
    goals: Vec<GoalBody>,
    actions: Vec<ActionBody>,
    milestones: Vec<MilestoneBody>,
    review_dates: Vec<String>,
    start: String,
    completion: String,
}

/// Saves the action plan; actions rolled in from meetings stay.
#[utoipa::path(post, path = "/api/relationships/{id}/plan", params(("id" = i64, Path)), request_body = PlanBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn save_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<PlanBody>,
) -> Result<StatusCode, ApiError> {
    let input = ActionPlanInput {
        needs: body.needs,
        strengths: body.strengths,
        goals: body
            .goals
            .into_iter()
            .map(|g| GoalInput {
                what: g.what,
                measure: g.measure,
                by: g.by,
                strategies: g.strategies,
            })
            .collect(),
        actions: body
            .actions
            .into_iter()
            .map(|a| ActionInput {
                point: ActionPointInput {
                    what: a.what,
                    owner: a.owner,
                    due: a.due,
                },
                goal: a.goal,
            })
            .collect(),
        milestones: body
            .milestones
            .into_iter()
            .map(|m| MilestoneInput {
                what: m.what,
                by: m.by,
            })
            .collect(),
        review_dates: body.review_dates,
        start: body.start,
        completion: body.completion,
    };
    state.app.save_plan(&caller.principal, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The stage the pair are at (names from the programme's lists).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct StageBody {
    process: String,
    cycle: String,
}

/// Sets the stage (LIF-5).
#[utoipa::path(post, path = "/api/relationships/{id}/stage", params(("id" = i64, Path)), request_body = StageBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn set_stage(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<StageBody>,
) -> Result<StatusCode, ApiError> {
    let input = StageInput {
        process: body.process,
        cycle: body.cycle,
    };
    state.app.set_stage(&caller.principal, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One completion item: an answer to a form's section, a confirmation (a
/// signature, the closing supervision), or the second self-assessment.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CompletionBody {
    /// The item's key from the relationship page, or after_self_assessment.
    item: String,
    /// For a section: the answer.
    answer: Option<String>,
    /// For the self-assessment: one point per question, from 1.
    answers: Vec<String>,
}

/// Records one thing completion needs (LIF-3).
#[utoipa::path(post, path = "/api/relationships/{id}/completion", params(("id" = i64, Path)), request_body = CompletionBody, responses(
    (status = 204),
    (status = 404, body = ApiErrorBody),
    (status = 409, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn record_completion(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RelationshipId>,
    Json(body): Json<CompletionBody>,
) -> Result<StatusCode, ApiError> {
    let step = match (body.item.as_str(), body.answer) {
        ("after_self_assessment", _) => CompletionStep::AfterSelfAssessment {
            answers: body.answers,
        },
        (_, Some(text)) => CompletionStep::Answer {
            item: body.item,
            text,
        },
        (_, None) => CompletionStep::Confirm { item: body.item },
    };
    state
        .app
        .record_completion(&caller.principal, id, &step)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
