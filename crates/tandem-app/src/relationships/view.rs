//! What each role sees of a relationship: the pair its content, overseers
//! metadata and compliance, a line manager that it exists and its time
//! (issue 10 item 10). Content is opened only with the authority the
//! permission decision gives.

use tandem_domain::ids::ProgrammeId;
use tandem_domain::relationship::{MeetingId, RelationshipId};
use time::Date;

use tandem_domain::permissions::Principal;
use tandem_domain::permissions::relationships::{
    Item, RelationshipAccess, authorise_content, authorise_document,
};
use tandem_domain::programme::{MeetingKind, Minutes, Party, Questionnaire};
use tandem_domain::register::{Phase, mentee_questions};
use tandem_domain::relationship::agreement::{AgreementTerms, Clause, TimeCommitment};
use tandem_domain::relationship::completion::{
    AnswerChange, CompletionEvidence, FormEvidence, Missing, compare_self_assessments,
};
use tandem_domain::relationship::meetings::{Compliance, MeetingFacts, MeetingRecord, compliance};
use tandem_domain::relationship::plan::ActionPlan;
use tandem_domain::relationship::reviews::{ReviewDue, next_review, planned_end};
use tandem_domain::relationship::state::ReviewOutcome;
use tandem_domain::relationship::{Document, Event, RelationshipRules, State, party_name};
use tandem_store::{
    AgreementVersionRow, CompletionRow, EventRow, MeetingDateRow, MeetingRow, SignatureRow,
};

use super::{Loaded, date_of, parse_date};
use crate::vault::{OpenKey, Sealed};
use crate::{App, AppError};

/// A relationship in a listing.
#[derive(Debug, Clone)]
pub struct RelationshipSummary {
    pub id: RelationshipId,
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    pub mentee_name: String,
    pub mentor_name: String,
    /// How the caller sees it.
    pub access: RelationshipAccess,
    /// `None` for a line manager, who sees only that it exists.
    pub state: Option<State>,
    pub started_on: Date,
    /// Meetings held, for those who see metadata.
    pub meetings_held: Option<usize>,
    /// When the next meeting is due by the agreement or guideline.
    pub next_due: Option<Date>,
    /// Compliance flags in words (metadata only).
    pub flags: Vec<String>,
    /// The time it implies, for a line manager (CAF).
    pub time_commitment: Option<String>,
    pub planned_end: Option<Date>,
}

/// One event of the record, as the caller may see it.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub at: i64,
    pub party: Party,
    pub from: State,
    pub to: State,
    /// Kind and categories: what a coordinator may read.
    pub summary: String,
    /// The words someone gave: the pair only.
    pub words: Option<String>,
}

/// One agreement version.
#[derive(Debug, Clone)]
pub struct VersionView {
    pub number: u32,
    pub drafted_by: Party,
    pub at: i64,
    pub hash: String,
    pub terms: AgreementTerms,
    /// The clauses, for those who may read them.
    pub clauses: Option<Vec<Clause>>,
    /// Who signed, and when.
    pub signatures: Vec<(Party, i64)>,
}

/// The agreement as the caller may see it.
#[derive(Debug, Clone, Default)]
pub struct AgreementView {
    /// Oldest first; the last is current.
    pub versions: Vec<VersionView>,
    /// Who has still to sign the current version.
    pub awaiting: Vec<Party>,
    pub in_force: bool,
    /// Whether the caller drafts it.
    pub may_draft: bool,
    /// Whether the caller is still to sign the current version.
    pub may_sign: bool,
    /// The time it commits, as words (CAF line managers see this).
    pub time_commitment: Option<String>,
}

impl AgreementView {
    pub fn current(&self) -> Option<&VersionView> {
        self.versions.last()
    }
}

/// A meeting as the caller may see it.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub id: MeetingId,
    pub date: Date,
    pub minutes: i64,
    pub kind: Option<MeetingKind>,
    /// The record, for those who may read it.
    pub record: Option<MeetingRecord>,
    /// Who has agreed the record.
    pub agreed_by: Vec<Party>,
    /// Who has still to agree it.
    pub awaiting: Vec<Party>,
    /// Whether a record was written.
    pub has_record: bool,
}

/// A cancelled meeting and how it stands against the programme's notice
/// rule (MTG-4).
#[derive(Debug, Clone)]
pub struct CancellationView {
    pub meeting_at: i64,
    pub cancelled_at: i64,
    pub new_date: Option<Date>,
    pub by: Party,
    pub status: tandem_domain::relationship::meetings::CancellationStatus,
}

/// The introductory meeting as arranged.
#[derive(Debug, Clone)]
pub struct IntroductionView {
    pub meets_at: String,
    pub minutes: i64,
    pub place: String,
    pub attending: Vec<Party>,
    pub arranged_by: Party,
}

/// One thing completion needs.
#[derive(Debug, Clone)]
pub struct CompletionItem {
    /// The stored item key, e.g. `form:evaluation:section:0`.
    pub item: String,
    /// What it is, in words.
    pub label: String,
    /// Who does it.
    pub party: Party,
    pub done: bool,
    /// The answer, for those who may read it.
    pub answer: Option<String>,
    /// Whether it is answered in words (a section) or a confirmation.
    pub takes_answer: bool,
    /// Whether the caller does it now.
    pub caller_does_it: bool,
}

/// What completion needs and what is done (LIF-3).
#[derive(Debug, Clone, Default)]
pub struct CompletionView {
    pub items: Vec<CompletionItem>,
    /// The self-assessment asked again at the end (CWT).
    pub after_questionnaire: Option<Questionnaire>,
    pub after_questions: Vec<String>,
    pub after_scale: Vec<String>,
    pub after_answered: bool,
    /// Whether the caller is the mentee, who answers it.
    pub caller_answers_after: bool,
    /// The before/after comparison, for the mentee (CWT 2.2.7).
    pub comparison: Vec<AnswerChange>,
    /// What is still missing, in words.
    pub missing: Vec<String>,
}

/// How far a task has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Completed,
    /// Not open yet, or not for this programme.
    CannotStartYet,
}

impl TaskStatus {
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Not started",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Completed => "Completed",
            TaskStatus::CannotStartYet => "Cannot start yet",
        }
    }
}

/// One task of the relationship's task list (GOV.UK task list pattern).
#[derive(Debug, Clone)]
pub struct Task {
    pub name: &'static str,
    /// The page section it links to.
    pub anchor: &'static str,
    pub status: TaskStatus,
    /// The next thing to do, in words.
    pub next: String,
}

/// Something the caller should do next, for their home page.
#[derive(Debug, Clone)]
pub struct ToDo {
    pub relationship_id: RelationshipId,
    pub text: String,
}

/// A relationship as the caller may see it.
#[derive(Debug, Clone)]
pub struct RelationshipView {
    pub id: RelationshipId,
    pub access: RelationshipAccess,
    /// The part the caller plays, if any.
    pub party: Option<Party>,
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    pub mentee_name: String,
    pub mentor_name: String,
    pub track: String,
    pub state: State,
    pub started_on: Date,
    pub agreed_on: Option<Date>,
    pub planned_end: Option<Date>,
    pub rules: RelationshipRules,
    pub history: Vec<HistoryEntry>,
    pub introduction: Option<IntroductionView>,
    pub agreement: AgreementView,
    /// The latest meetings, latest first, or all of them: as asked
    /// ([`MeetingsShown`]).
    pub meetings: Vec<MeetingView>,
    /// How many meetings have been recorded in all.
    pub meetings_total: usize,
    /// How many meeting records wait for the caller's agreement.
    pub records_awaiting_you: usize,
    /// Meetings called off, latest first (metadata: the pair and overseers).
    pub cancellations: Vec<CancellationView>,
    pub compliance: Option<Compliance>,
    pub next_review: Option<ReviewDue>,
    pub plan: Option<ActionPlan>,
    pub stage: (Option<String>, Option<String>),
    pub completion: CompletionView,
    pub tasks: Vec<Task>,
    /// What the caller can do now: which state-machine steps to offer.
    pub may_record_no_match: bool,
    pub may_review: bool,
    pub may_leave: bool,
    pub may_arrange_introduction: bool,
    pub may_record_meeting: bool,
    pub may_edit_plan: bool,
    pub may_set_stage: bool,
}

impl RelationshipView {
    /// Whether the caller sees only that it exists and its time.
    pub fn existence_only(&self) -> bool {
        self.access == RelationshipAccess::LineManager
    }

    pub fn is_pair(&self) -> bool {
        self.access.is_pair()
    }
}

/// Who has signed the current version, from the stored rows.
fn awaiting_signatures(
    rules: &RelationshipRules,
    current: Option<i64>,
    signatures: &[SignatureRow],
) -> Vec<Party> {
    rules
        .agreement
        .signatories
        .iter()
        .copied()
        .filter(|party| {
            !current.is_some_and(|number| {
                signatures
                    .iter()
                    .any(|s| s.number == number && s.party == *party)
            })
        })
        .collect()
}

pub(crate) fn in_force(
    rules: &RelationshipRules,
    versions: &[AgreementVersionRow],
    signatures: &[SignatureRow],
) -> bool {
    let current = versions.last().map(|v| v.number);
    current.is_some() && awaiting_signatures(rules, current, signatures).is_empty()
}

pub(crate) fn terms_of(row: &AgreementVersionRow) -> Result<AgreementTerms, AppError> {
    serde_json::from_str(&row.terms).map_err(|_| {
        AppError::Internal("an agreement version's terms are not in the form Tandem wrote".into())
    })
}

/// How many meetings rows of [`MeetingDateRow`] stand for.
fn count_meetings<'a>(rows: impl IntoIterator<Item = &'a MeetingDateRow>) -> usize {
    rows.into_iter()
        .map(|row| usize::try_from(row.meetings).unwrap_or(0))
        .sum()
}

/// The facts compliance needs: one per row, since meetings alike (the same
/// date, length and kind) can only be flagged alike.
pub(crate) fn meeting_facts(rows: &[MeetingDateRow]) -> Vec<MeetingFacts> {
    rows.iter()
        .filter_map(|row| {
            Some(MeetingFacts {
                date: parse_date(&row.held_on)?,
                duration: Minutes::parse(row.minutes).ok()?,
                kind: MeetingKind::parse(&row.kind)?,
            })
        })
        .collect()
}

/// The evidence completion needs, from what is recorded (LIF-3).
pub(crate) fn evidence(
    rules: &RelationshipRules,
    items: &[CompletionRow],
    after_answered: bool,
) -> CompletionEvidence {
    let has = |item: &str| items.iter().any(|row| row.item == item);
    CompletionEvidence {
        forms: rules
            .completion
            .forms
            .iter()
            .map(|form| FormEvidence {
                key: form.key.as_str().to_owned(),
                sections_answered: (0..form.sections.len())
                    .filter(|index| has(&section_item(form.key.as_str(), *index)))
                    .collect(),
                signed_by: form
                    .signed_by
                    .iter()
                    .copied()
                    .filter(|party| has(&signature_item(form.key.as_str(), *party)))
                    .collect(),
            })
            .collect(),
        after_self_assessment: after_answered,
        closing_supervision: has(CLOSING_SUPERVISION),
    }
}

pub(crate) const CLOSING_SUPERVISION: &str = "closing_supervision";

pub(crate) fn section_item(form: &str, index: usize) -> String {
    format!("form:{form}:section:{index}")
}

pub(crate) fn signature_item(form: &str, party: Party) -> String {
    format!("form:{form}:signed:{}", party.as_str())
}

/// How many meetings a relationship's view lists; compliance, the counts
/// and the tasks always take every meeting into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeetingsShown {
    /// The latest [`LATEST_MEETINGS`].
    #[default]
    Latest,
    All,
}

/// How many meetings a relationship's page lists unless all are asked for.
pub const LATEST_MEETINGS: u32 = 20;

impl MeetingsShown {
    fn limit(self) -> Option<u32> {
        match self {
            MeetingsShown::Latest => Some(LATEST_MEETINGS),
            MeetingsShown::All => None,
        }
    }
}

impl App {
    /// A relationship's page for the caller, with its latest meetings.
    pub async fn relationship(
        &self,
        caller: &Principal,
        id: RelationshipId,
    ) -> Result<RelationshipView, AppError> {
        self.relationship_showing(caller, id, MeetingsShown::Latest)
            .await
    }

    /// A relationship's page for the caller, listing the meetings asked for.
    pub async fn relationship_showing(
        &self,
        caller: &Principal,
        id: RelationshipId,
        shown: MeetingsShown,
    ) -> Result<RelationshipView, AppError> {
        let loaded = self.load_relationship(caller, id).await?;
        self.relationship_view(caller, &loaded, shown).await
    }

    /// The pair's data key, if the caller is one of the pair.
    pub(crate) fn pair_key(
        &self,
        caller: &Principal,
        loaded: &Loaded,
    ) -> Result<Option<OpenKey>, AppError> {
        match authorise_content(caller, &loaded.facts) {
            Ok(authority) => Ok(Some(self.vault.for_pair(
                &authority,
                loaded.row.proposal_id,
                &loaded.row.data_key,
            )?)),
            Err(_) => Ok(None),
        }
    }

    /// The data key for one document, if the caller may read it.
    fn document_key(
        &self,
        caller: &Principal,
        loaded: &Loaded,
        document: &Document,
        agreed: &[Document],
    ) -> Result<Option<OpenKey>, AppError> {
        let shared = loaded.rules.shared_with(document, agreed);
        match authorise_document(caller, &loaded.facts, document, &shared) {
            Ok(authority) => Ok(Some(self.vault.for_document(
                &authority,
                loaded.row.proposal_id,
                &loaded.row.data_key,
            )?)),
            Err(_) => Ok(None),
        }
    }

    async fn relationship_view(
        &self,
        caller: &Principal,
        loaded: &Loaded,
        shown: MeetingsShown,
    ) -> Result<RelationshipView, AppError> {
        let id = loaded.row.id;
        let access = loaded.access;
        let rules = &loaded.rules;
        let party = access.party();
        let metadata = access.may_see(Item::Metadata, &[]);
        let repo = self.store.relationships();
        let today = self.today();
        let pair_key = self.pair_key(caller, loaded)?;

        let versions = repo.agreement_versions(id).await?;
        let signatures = repo.signatures(id).await?;
        let current_terms = versions.last().map(terms_of).transpose()?;
        let agreed_documents: Vec<Document> = current_terms
            .as_ref()
            .map(|terms| terms.documents_to_coordinator.clone())
            .unwrap_or_default();
        let agreement =
            self.agreement_view(caller, loaded, &versions, &signatures, &agreed_documents)?;

        let events = if metadata {
            repo.events(id).await?
        } else {
            Vec::new()
        };
        let history = history(&events, pair_key.as_ref())?;
        let extensions: Vec<_> = events
            .iter()
            .filter_map(|row| match serde_json::from_str::<Event>(&row.event) {
                Ok(Event::Review(ReviewOutcome::Extend { months, .. })) => Some(months),
                _ => None,
            })
            .collect();
        let last_review = events
            .iter()
            .rev()
            .find(|row| row.from_state == State::UnderReview)
            .map(|row| date_of(row.at));

        let (meeting_rows, meeting_dates) = if metadata {
            (
                repo.meetings(id, shown.limit()).await?,
                repo.meeting_dates(id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let records_awaiting_you = party.map_or(0, |me| {
            count_meetings(meeting_dates.iter().filter(|m| {
                m.has_record != 0
                    && rules.records.agreed_by.contains(&me)
                    && !m.agreed_by().contains(&me)
            }))
        });
        let cancellations = if metadata {
            repo.cancellations(id)
                .await?
                .into_iter()
                .map(|row| {
                    let new_date = row.new_date.as_deref().and_then(parse_date);
                    CancellationView {
                        status: tandem_domain::relationship::meetings::cancellation_status(
                            rules,
                            &tandem_domain::relationship::meetings::Cancellation {
                                meeting_at: row.meeting_at,
                                cancelled_at: row.cancelled_at,
                                new_date,
                            },
                        ),
                        meeting_at: row.meeting_at,
                        cancelled_at: row.cancelled_at,
                        new_date,
                        by: row.cancelled_by,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let record_key =
            self.document_key(caller, loaded, &Document::MeetingRecords, &agreed_documents)?;
        let meetings = meetings(rules, &meeting_rows, record_key.as_ref())?;
        let start = loaded.agreed_on().unwrap_or_else(|| loaded.started_on());
        let facts = meeting_facts(&meeting_dates);
        let compliance = (metadata && loaded.row.state.is_active())
            .then(|| compliance(rules, current_terms.as_ref(), start, &facts, today));
        let review_points = current_terms
            .as_ref()
            .map(|terms| terms.review_dates.clone())
            .unwrap_or_default();
        let next_review = (metadata && loaded.row.state == State::Agreed)
            .then(|| next_review(rules, start, last_review, &review_points))
            .flatten();
        let planned_end = loaded.agreed_on().and_then(|agreed| {
            planned_end(
                rules,
                agreed,
                current_terms.as_ref().and_then(|terms| terms.length),
                &extensions,
            )
        });

        let plan_key =
            self.document_key(caller, loaded, &Document::ActionPlan, &agreed_documents)?;
        let plan = match (plan_key, repo.plan(id).await?) {
            (Some(key), Some(sealed)) => Some(key.open_json::<ActionPlan>(Sealed::Plan, &sealed)?),
            _ => None,
        };
        let introduction = if metadata {
            repo.introduction(id).await?.map(|row| IntroductionView {
                attending: row.attending(),
                meets_at: row.meets_at,
                minutes: row.minutes,
                place: row.place,
                arranged_by: row.arranged_by,
            })
        } else {
            None
        };
        let completion = if metadata {
            self.completion_view(loaded, party, pair_key.as_ref())
                .await?
        } else {
            CompletionView::default()
        };
        let stage = (
            loaded
                .row
                .stage_process
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| rules.stages.process.get(i).cloned()),
            loaded
                .row
                .stage_cycle
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| rules.stages.cycle.get(i).cloned()),
        );
        let state = loaded.row.state;
        let open = !state.is_ended();
        let is_pair = access.is_pair();
        let may_record_no_match = open
            && state == State::Introduced
            && party.is_some_and(|p| {
                is_pair
                    || rules.may_arrange_introduction(p)
                    || rules.introduction.also_attending.contains(&p)
            });
        let mut view = RelationshipView {
            id,
            access,
            party,
            programme_id: loaded.row.programme_id,
            programme_name: loaded.row.programme_name.clone(),
            mentee_name: loaded.row.mentee_name.clone(),
            mentor_name: loaded.row.mentor_name.clone(),
            track: rules.track.name.clone(),
            state,
            started_on: loaded.started_on(),
            agreed_on: loaded.agreed_on(),
            planned_end,
            rules: rules.clone(),
            history,
            introduction,
            agreement,
            meetings,
            meetings_total: count_meetings(&meeting_dates),
            records_awaiting_you,
            cancellations,
            compliance,
            next_review,
            plan,
            stage,
            completion,
            tasks: Vec::new(),
            may_record_no_match,
            may_review: open
                && state != State::Introduced
                && party.is_some_and(|p| rules.reviews_with(p)),
            may_leave: open && is_pair,
            may_arrange_introduction: open
                && state == State::Introduced
                && party.is_some_and(|p| rules.may_arrange_introduction(p)),
            may_record_meeting: state.is_active() && is_pair,
            may_edit_plan: !state.is_ended() && is_pair && rules.records.action_plan,
            may_set_stage: state.is_active() && is_pair && rules.tracks_stages(),
        };
        view.tasks = tasks(&view, today);
        Ok(view)
    }

    fn agreement_view(
        &self,
        caller: &Principal,
        loaded: &Loaded,
        versions: &[AgreementVersionRow],
        signatures: &[SignatureRow],
        agreed: &[Document],
    ) -> Result<AgreementView, AppError> {
        let rules = &loaded.rules;
        let key = self.document_key(caller, loaded, &Document::Agreement, agreed)?;
        let current = versions.last().map(|v| v.number);
        let awaiting = awaiting_signatures(rules, current, signatures);
        let party = loaded.access.party();
        let mut out = Vec::with_capacity(versions.len());
        for row in versions {
            let clauses = match &key {
                Some(key) => {
                    Some(key.open_json::<Vec<Clause>>(Sealed::Clauses, &row.sealed_clauses)?)
                }
                None => None,
            };
            out.push(VersionView {
                number: u32::try_from(row.number).unwrap_or(0),
                drafted_by: row.drafted_by,
                at: row.at,
                hash: row.hash.clone(),
                terms: terms_of(row)?,
                clauses,
                signatures: signatures
                    .iter()
                    .filter(|s| s.number == row.number)
                    .map(|s| (s.party, s.at))
                    .collect(),
            });
        }
        let time_commitment = out.last().map(|version| {
            TimeCommitment {
                length: version.terms.length,
                meet_every: version.terms.meet_every,
                max_minutes: version.terms.max_minutes,
                time_allowance: version.terms.time_allowance,
            }
            .to_string()
        });
        let in_force = current.is_some() && awaiting.is_empty();
        let open = !loaded.row.state.is_ended();
        Ok(AgreementView {
            may_draft: open
                && loaded.access.is_pair()
                && party.is_some_and(|p| rules.may_draft_agreement(p))
                && (!in_force || rules.agreement.amendable),
            may_sign: open && current.is_some() && party.is_some_and(|p| awaiting.contains(&p)),
            in_force,
            awaiting,
            versions: out,
            time_commitment,
        })
    }

    async fn completion_view(
        &self,
        loaded: &Loaded,
        party: Option<Party>,
        pair_key: Option<&OpenKey>,
    ) -> Result<CompletionView, AppError> {
        let rules = &loaded.rules;
        let rows = self.store.relationships().completion(loaded.row.id).await?;
        let find = |item: &str| rows.iter().find(|row| row.item == item);
        let mut items = Vec::new();
        for form in &rules.completion.forms {
            for (index, (title, who)) in form.sections.iter().enumerate() {
                let item = section_item(form.key.as_str(), index);
                let row = find(&item);
                let answer = match (row.and_then(|r| r.sealed_answer.as_deref()), pair_key) {
                    (Some(sealed), Some(key)) => Some(key.open(Sealed::FormAnswer, sealed)?),
                    _ => None,
                };
                items.push(CompletionItem {
                    label: format!("{}: {}", form.name, title),
                    party: *who,
                    done: row.is_some(),
                    answer,
                    takes_answer: true,
                    caller_does_it: party == Some(*who) && row.is_none(),
                    item,
                });
            }
            for who in &form.signed_by {
                let item = signature_item(form.key.as_str(), *who);
                let done = find(&item).is_some();
                items.push(CompletionItem {
                    label: format!("{}: signed by {}", form.name, party_name(*who)),
                    party: *who,
                    done,
                    answer: None,
                    takes_answer: false,
                    caller_does_it: party == Some(*who) && !done,
                    item,
                });
            }
        }
        if let Some(who) = rules.completion.closing_supervision {
            let done = find(CLOSING_SUPERVISION).is_some();
            items.push(CompletionItem {
                item: CLOSING_SUPERVISION.to_owned(),
                label: format!(
                    "The mentor's closing supervision, held by {}",
                    party_name(who)
                ),
                party: who,
                done,
                answer: None,
                takes_answer: false,
                caller_does_it: party == Some(who) && !done,
            });
        }
        let mut view = CompletionView {
            items,
            ..CompletionView::default()
        };
        if let Some(key) = &rules.completion.after_self_assessment {
            let questionnaire = loaded
                .programme
                .questionnaires
                .iter()
                .find(|q| &q.key == key)
                .cloned();
            if let Some(questionnaire) = questionnaire {
                let requests = self.store.requests();
                let after = requests
                    .self_assessment(loaded.row.request_id, key.as_str(), Phase::After)
                    .await?;
                view.after_answered = after.is_some();
                if party == Some(Party::Mentee) {
                    view.caller_answers_after = after.is_none();
                    let before = requests
                        .self_assessment(loaded.row.request_id, key.as_str(), Phase::Before)
                        .await?;
                    if let (Some(before), Some(after)) = (before, after) {
                        view.comparison = compare_self_assessments(&questionnaire, &before, &after);
                    }
                }
                view.after_questions = mentee_questions(&questionnaire)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                view.after_scale = questionnaire
                    .scale
                    .as_ref()
                    .map(|s| s.labels.clone())
                    .unwrap_or_default();
                view.after_questionnaire = Some(questionnaire);
            }
        }
        let evidence = evidence(rules, &rows, view.after_answered);
        view.missing = rules
            .completion
            .missing(&evidence)
            .iter()
            .map(Missing::to_string)
            .collect();
        Ok(view)
    }

    pub(crate) async fn summary(&self, loaded: &Loaded) -> Result<RelationshipSummary, AppError> {
        let metadata = loaded.access.may_see(Item::Metadata, &[]);
        let repo = self.store.relationships();
        let versions = repo.agreement_versions(loaded.row.id).await?;
        let terms = versions.last().map(terms_of).transpose()?;
        let agreed = loaded.agreed_on();
        let planned_end = agreed.and_then(|agreed| {
            planned_end(
                &loaded.rules,
                agreed,
                terms.as_ref().and_then(|t| t.length),
                &[],
            )
        });
        let (meetings_held, next_due, flags) = if metadata {
            let rows = repo.meeting_dates(loaded.row.id).await?;
            let facts = meeting_facts(&rows);
            let start = agreed.unwrap_or_else(|| loaded.started_on());
            if loaded.row.state.is_active() {
                let compliance =
                    compliance(&loaded.rules, terms.as_ref(), start, &facts, self.today());
                let flags = compliance.flags.iter().map(flag_words).collect();
                (Some(count_meetings(&rows)), compliance.next_due, flags)
            } else {
                (Some(count_meetings(&rows)), None, Vec::new())
            }
        } else {
            (None, None, Vec::new())
        };
        Ok(RelationshipSummary {
            id: loaded.row.id,
            programme_id: loaded.row.programme_id,
            programme_name: loaded.row.programme_name.clone(),
            mentee_name: loaded.row.mentee_name.clone(),
            mentor_name: loaded.row.mentor_name.clone(),
            access: loaded.access,
            state: metadata.then_some(loaded.row.state),
            started_on: loaded.started_on(),
            meetings_held,
            next_due,
            flags,
            time_commitment: terms.as_ref().map(|t| {
                TimeCommitment {
                    length: t.length,
                    meet_every: t.meet_every,
                    max_minutes: t.max_minutes,
                    time_allowance: t.time_allowance,
                }
                .to_string()
            }),
            planned_end,
        })
    }

    /// What the caller should do next in their relationships, for their
    /// home page: sign, agree a record, a review due, a meeting overdue.
    pub async fn relationship_to_dos(&self, caller: &Principal) -> Result<Vec<ToDo>, AppError> {
        use tandem_domain::roles::Role;
        // The caller's own relationships, and those they play a part in as
        // a supervising social worker (AFC arranges introductions and holds
        // the closing supervision) or a line manager (CAF signs the time).
        let mut scope = tandem_domain::permissions::relationships::RelationshipScope {
            people: tandem_domain::permissions::PeopleScope {
                own: caller.person_id,
                ..Default::default()
            },
            programme_organisations: Vec::new(),
        };
        if caller.has_role(Role::SupervisingSocialWorker) || caller.has_role(Role::LineManager) {
            let wider = super::relationship_scope(caller);
            scope.people.organisations = wider.people.organisations;
            scope.people.reports_of = wider.people.reports_of;
            scope.programme_organisations = wider.programme_organisations;
        }
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .store
            .relationships()
            .list(&scope, None, super::LIST_LIMIT)
            .await?;
        let mut out = Vec::new();
        let open: Vec<_> = rows
            .into_iter()
            .filter(|row| !row.state.is_ended())
            .collect();
        for loaded in self
            .loaded_many(open, |facts| {
                tandem_domain::permissions::relationships::relationship_access(caller, facts)
            })
            .await?
        {
            // Overseeing alone gives nothing to do here: the overview has it.
            if loaded.access.party().is_none() || loaded.access == RelationshipAccess::Coordinator {
                continue;
            }
            let view = self
                .relationship_view(caller, &loaded, MeetingsShown::Latest)
                .await?;
            let with = match view.party {
                Some(Party::Mentee) => view.mentor_name.clone(),
                Some(Party::Mentor) => view.mentee_name.clone(),
                _ => format!("{} and {}", view.mentee_name, view.mentor_name),
            };
            // A line manager sees only that it exists and its time: the one
            // thing they may do is sign the time commitment (CAF).
            if view.existence_only() {
                if view.agreement.may_sign {
                    out.push(ToDo {
                        relationship_id: view.id,
                        text: format!("Agreement ({with}): You sign the time commitment"),
                    });
                }
                continue;
            }
            out.extend(
                view.tasks
                    .iter()
                    .filter(|task| {
                        task.status != TaskStatus::Completed
                            && task.status != TaskStatus::CannotStartYet
                    })
                    .filter(|task| task.next.starts_with("You"))
                    .map(|task| ToDo {
                        relationship_id: view.id,
                        text: format!("{} ({with}): {}", task.name, task.next),
                    }),
            );
        }
        Ok(out)
    }
}

fn flag_words(flag: &tandem_domain::relationship::meetings::Flag) -> String {
    use tandem_domain::relationship::meetings::{Flag, Source};
    let against = |source: &Source| match source {
        Source::Agreement => "the agreement",
        Source::Guideline => "the programme's guideline",
    };
    match flag {
        Flag::Overdue { source, due, .. } => {
            format!("Meeting overdue since {due} by {}", against(source))
        }
        Flag::Length {
            source,
            date,
            problem,
        } => {
            format!("Meeting on {date}: {problem} by {}", against(source))
        }
    }
}

pub(crate) fn history(
    events: &[EventRow],
    pair_key: Option<&OpenKey>,
) -> Result<Vec<HistoryEntry>, AppError> {
    events
        .iter()
        .map(|row| {
            let event: Event = serde_json::from_str(&row.event).map_err(|_| {
                AppError::Internal("a relationship event is not in the form Tandem wrote".into())
            })?;
            let words = match (row.sealed_words.as_deref(), pair_key) {
                (Some(sealed), Some(key)) => Some(key.open(Sealed::Words, sealed)?),
                _ => None,
            };
            Ok(HistoryEntry {
                at: row.at,
                party: row.party,
                from: row.from_state,
                to: row.to_state,
                summary: event.summary(),
                words,
            })
        })
        .collect()
}

fn meetings(
    rules: &RelationshipRules,
    rows: &[MeetingRow],
    key: Option<&OpenKey>,
) -> Result<Vec<MeetingView>, AppError> {
    rows.iter()
        .map(|row| {
            let record = match (row.sealed_record.as_deref(), key) {
                (Some(sealed), Some(key)) => {
                    Some(key.open_json::<MeetingRecord>(Sealed::MeetingRecord, sealed)?)
                }
                _ => None,
            };
            let agreed_by = row.agreed_by();
            let awaiting = if row.sealed_record.is_some() {
                rules
                    .records
                    .agreed_by
                    .iter()
                    .copied()
                    .filter(|p| !agreed_by.contains(p))
                    .collect()
            } else {
                Vec::new()
            };
            Ok(MeetingView {
                id: row.id,
                date: parse_date(&row.held_on).unwrap_or(Date::MIN),
                minutes: row.minutes,
                kind: MeetingKind::parse(&row.kind),
                record,
                agreed_by,
                awaiting,
                has_record: row.sealed_record.is_some(),
            })
        })
        .collect()
}

/// The task list (issue 10 item 12): introduction → agreement → plan →
/// meetings → reviews → completion, each with its status and the next
/// thing to do, addressed to the caller ("You …") where it is theirs.
fn tasks(view: &RelationshipView, today: Date) -> Vec<Task> {
    let state = view.state;
    let rules = &view.rules;
    let me = view.party;
    let ended = state.is_ended();
    let you_or = |party: Party, what: &str| -> String {
        if me == Some(party) {
            format!("You {what}")
        } else {
            let name = party_name(party);
            let mut chars = name.chars();
            let capital: String = chars
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            format!("{capital}{} {}", chars.as_str(), third_person(what))
        }
    };
    let mut out = Vec::new();

    // Introduction (AGR-1, AGR-2).
    let arranger = rules.introduction.arranged_by;
    let intro = match (state, &view.introduction) {
        (State::Introduced, None) => Task {
            name: "Introductory meeting",
            anchor: "introduction",
            status: TaskStatus::NotStarted,
            next: match arranger {
                Some(party) => you_or(party, "arrange the introductory meeting"),
                None if view.is_pair() => "You arrange the introductory meeting".to_owned(),
                None => "The mentee or the mentor arranges the introductory meeting".to_owned(),
            },
        },
        (State::Introduced, Some(intro)) => Task {
            name: "Introductory meeting",
            anchor: "introduction",
            status: TaskStatus::InProgress,
            next: if view.is_pair() {
                format!(
                    "You meet on {}; afterwards, agree to go ahead or record a No Match",
                    intro.meets_at.replace('T', " at ")
                )
            } else {
                format!("The pair meet on {}", intro.meets_at.replace('T', " at "))
            },
        },
        (State::NoMatch, _) => Task {
            name: "Introductory meeting",
            anchor: "introduction",
            status: TaskStatus::Completed,
            next: "Ended in a No Match; the request went back to matching".to_owned(),
        },
        _ => Task {
            name: "Introductory meeting",
            anchor: "introduction",
            status: TaskStatus::Completed,
            next: "Done".to_owned(),
        },
    };
    out.push(intro);

    // Agreement (AGR-3, AGR-4).
    let agreement = &view.agreement;
    let drafter = rules.agreement.drafted_by;
    let agreement_task = if ended && agreement.versions.is_empty() {
        Task {
            name: "Agreement",
            anchor: "agreement",
            status: TaskStatus::CannotStartYet,
            next: "Not needed: the relationship has ended".to_owned(),
        }
    } else if agreement.versions.is_empty() {
        Task {
            name: "Agreement",
            anchor: "agreement",
            status: TaskStatus::NotStarted,
            next: match drafter {
                Some(party) => you_or(party, "draft the agreement"),
                None if view.is_pair() => "You draft the agreement together".to_owned(),
                None => "The pair draft the agreement".to_owned(),
            },
        }
    } else if !agreement.awaiting.is_empty() && !ended {
        let next = match me {
            Some(party) if agreement.awaiting.contains(&party) => {
                "You sign the agreement".to_owned()
            }
            _ => format!(
                "Waiting for {} to sign",
                agreement
                    .awaiting
                    .iter()
                    .map(|p| party_name(*p))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        };
        Task {
            name: "Agreement",
            anchor: "agreement",
            status: TaskStatus::InProgress,
            next,
        }
    } else if state == State::Introduced && view.is_pair() {
        Task {
            name: "Agreement",
            anchor: "agreement",
            status: TaskStatus::InProgress,
            next: "You confirm the agreement to start the mentoring".to_owned(),
        }
    } else {
        Task {
            name: "Agreement",
            anchor: "agreement",
            status: TaskStatus::Completed,
            next: if agreement.in_force {
                "Signed by everyone".to_owned()
            } else {
                "Done".to_owned()
            },
        }
    };
    out.push(agreement_task);

    // Action plan (PLN-1), where the programme keeps one.
    if rules.records.action_plan {
        out.push(Task {
            name: "Action plan",
            anchor: "plan",
            status: if view.plan.is_some() {
                TaskStatus::InProgress
            } else if ended {
                TaskStatus::CannotStartYet
            } else {
                TaskStatus::NotStarted
            },
            next: if !view.is_pair() {
                "The pair keep the plan; its content is theirs".to_owned()
            } else if view.plan.is_some() {
                "You keep the plan up to date".to_owned()
            } else {
                "You write the action plan".to_owned()
            },
        });
    }

    // Meetings (MTG-1 to MTG-3).
    let awaiting_me = view.records_awaiting_you;
    let overdue = view.compliance.as_ref().is_some_and(|c| {
        c.flags.iter().any(|f| {
            matches!(
                f,
                tandem_domain::relationship::meetings::Flag::Overdue { .. }
            )
        })
    });
    out.push(Task {
        name: "Meetings",
        anchor: "meetings",
        status: if !state.is_active() && !ended {
            TaskStatus::CannotStartYet
        } else if view.meetings_total == 0 && !ended {
            TaskStatus::NotStarted
        } else if ended {
            TaskStatus::Completed
        } else {
            TaskStatus::InProgress
        },
        next: if awaiting_me > 0 {
            format!(
                "You agree the record of {awaiting_me} meeting{}",
                if awaiting_me == 1 { "" } else { "s" }
            )
        } else if overdue && view.is_pair() {
            "You are overdue a meeting: meet, then record it".to_owned()
        } else if overdue {
            "A meeting is overdue".to_owned()
        } else if state.is_active() {
            match view.compliance.as_ref().and_then(|c| c.next_due) {
                Some(due) if view.is_pair() => format!("You meet by {due}, then record it"),
                Some(due) => format!("Next meeting due by {due}"),
                None if view.is_pair() => "You record each meeting after it takes place".to_owned(),
                None => "The pair record their meetings".to_owned(),
            }
        } else if ended {
            format!("{} held", view.meetings_total)
        } else {
            "Meetings start once the agreement is in place".to_owned()
        },
    });

    // Reviews (LIF-2).
    out.push(Task {
        name: "Reviews",
        anchor: "reviews",
        status: match state {
            State::UnderReview => TaskStatus::InProgress,
            State::Agreed => TaskStatus::NotStarted,
            _ if ended => TaskStatus::Completed,
            _ => TaskStatus::CannotStartYet,
        },
        next: match (state, view.next_review) {
            (State::UnderReview, _) if view.may_review => {
                "You record the review's outcome".to_owned()
            }
            (State::UnderReview, _) => "A review is under way".to_owned(),
            (State::Agreed, Some(due)) if view.may_review && today > due.latest => {
                format!("You are overdue a review (due by {})", due.latest)
            }
            (State::Agreed, Some(due)) if view.may_review && today >= due.earliest => {
                format!("You hold a review by {}", due.latest)
            }
            (State::Agreed, Some(due)) => format!("Next review due by {}", due.latest),
            (State::Agreed, None) => "Review when the pair agree it is time".to_owned(),
            _ if ended => "Done".to_owned(),
            _ => "Reviews start once the agreement is in place".to_owned(),
        },
    });

    // Completion (LIF-3).
    let mine: Vec<&CompletionItem> = view
        .completion
        .items
        .iter()
        .filter(|item| item.caller_does_it)
        .collect();
    out.push(Task {
        name: "Completion",
        anchor: "completion",
        status: match state {
            State::Completed => TaskStatus::Completed,
            State::UnderReview => TaskStatus::InProgress,
            _ if ended => TaskStatus::CannotStartYet,
            _ => TaskStatus::CannotStartYet,
        },
        next: match state {
            State::Completed => "Completed".to_owned(),
            State::UnderReview if view.completion.caller_answers_after => {
                "You answer the self-assessment again".to_owned()
            }
            State::UnderReview if !mine.is_empty() => format!("You complete: {}", mine[0].label),
            State::UnderReview if view.completion.missing.is_empty() && view.is_pair() => {
                "You can now complete the relationship".to_owned()
            }
            State::UnderReview => "Completion is recorded at the closing review".to_owned(),
            _ if ended => format!("Ended: {}", state.label().to_lowercase()),
            _ => "Completion is recorded at the closing review".to_owned(),
        },
    });
    out
}

/// "arrange the meeting" → "arranges the meeting": for "The mentee arranges…".
fn third_person(what: &str) -> String {
    let (verb, rest) = what.split_once(' ').unwrap_or((what, ""));
    let verb = match verb {
        "draft" => "drafts",
        "arrange" => "arranges",
        "sign" => "signs",
        other => return format!("{other}s {rest}").trim_end().to_owned(),
    };
    format!("{verb} {rest}").trim_end().to_owned()
}
