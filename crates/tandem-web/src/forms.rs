//! Form inputs, GOV.UK style: every field has a label, an optional hint,
//! and — when it has a problem — an error message linked from the error
//! summary at the top of the page and named by the input's
//! `aria-describedby`.
//!
//! A page makes a [`Fields`] from its problems and builds each input from
//! it, so every input finds its own problem:
//!
//! ```ignore
//! let fields = Fields::new(problems);
//! html! {
//!     (error_summary(problems))
//!     (fields.text("capacity", "How many mentees at once").hint("From 1 to 20.").value(&capacity).short())
//!     (fields.radios("availability", "Availability").options(&[("available", "Available"), ("full", "Full")]).chosen(&availability))
//! }
//! ```

use maud::{Markup, Render, html};
use tandem_app::FieldError;

use crate::error::capitalise;

/// One problem to show in an error summary, linked to its field.
pub struct Problem {
    pub field_id: String,
    pub message: String,
}

/// Field errors from a use case, as problems linked to the input of the
/// same name.
pub fn problems(errors: Vec<FieldError>) -> Vec<Problem> {
    errors
        .into_iter()
        .map(|e| Problem {
            field_id: e.field,
            message: capitalise(&e.message),
        })
        .collect()
}

/// Field errors from a use case whose field names are not the form's: each
/// is linked to the input `known` maps it to, and one the form does not
/// show is linked to `fallback`, with the field named.
pub fn problems_for(
    errors: Vec<FieldError>,
    known: &[(&str, &str)],
    fallback: &str,
) -> Vec<Problem> {
    errors
        .into_iter()
        .map(
            |error| match known.iter().find(|(field, _)| *field == error.field) {
                Some((_, id)) => Problem {
                    field_id: (*id).to_owned(),
                    message: capitalise(&error.message),
                },
                None => Problem {
                    field_id: fallback.to_owned(),
                    message: format!("{}: {}", error.field, error.message),
                },
            },
        )
        .collect()
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

/// The session's CSRF token, which every form that changes something
/// sends (checked in `session::layer`).
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// Whether a ticked checkbox's value says yes.
pub fn yes(value: &str) -> bool {
    matches!(value, "yes" | "on" | "true")
}

/// The inputs of one form, each finding its own problem among the form's.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    problems: &'a [Problem],
    prefix: Option<&'a str>,
}

impl<'a> Fields<'a> {
    pub fn new(problems: &'a [Problem]) -> Fields<'a> {
        Fields {
            problems,
            prefix: None,
        }
    }

    /// The inputs of one of several forms on a page: each input's id
    /// starts with `prefix` and a hyphen, so that no two forms share an
    /// id, while its name (what the form sends) stays the field's name.
    /// The problems' field ids must carry the same prefix (see
    /// [`prefixed`]).
    pub fn in_form(problems: &'a [Problem], prefix: &'a str) -> Fields<'a> {
        Fields {
            problems,
            prefix: Some(prefix),
        }
    }

    /// A one-line text input.
    pub fn text(self, id: &'a str, label: &'a str) -> TextInput<'a> {
        TextInput {
            field: self.field(id, label),
            value: "",
            kind: "text",
            short: false,
            numeric: false,
            autocomplete: None,
            no_spellcheck: false,
        }
    }

    /// A text area, three rows unless said otherwise.
    pub fn textarea(self, id: &'a str, label: &'a str) -> Textarea<'a> {
        Textarea {
            field: self.field(id, label),
            value: "",
            rows: 3,
        }
    }

    /// A drop-down list.
    pub fn select(self, id: &'a str, label: &'a str) -> Select<'a> {
        Select {
            field: self.field(id, label),
            placeholder: None,
            options: Vec::new(),
            selected: "",
        }
    }

    /// A group of radios in a fieldset with a legend; the first radio
    /// carries the group's id, so the error summary can link to it.
    pub fn radios(self, id: &'a str, legend: &'a str) -> Radios<'a> {
        Radios {
            field: self.field(id, legend),
            choices: Vec::new(),
            chosen: "",
            reveals: None,
        }
    }

    /// A group of checkboxes in a fieldset with a legend; each box is its
    /// own field, sent as `yes` when ticked.
    pub fn checkboxes(self, id: &'a str, legend: &'a str) -> Checkboxes<'a> {
        Checkboxes {
            field: self.field(id, legend),
            boxes: Vec::new(),
        }
    }

    fn field(self, name: &'a str, label: &'a str) -> Field<'a> {
        Field {
            id: self.id_of(name),
            name,
            prefix: self.prefix,
            label,
            hint: None,
            problems: self.problems,
        }
    }

    fn id_of(self, name: &str) -> String {
        match self.prefix {
            Some(prefix) => format!("{prefix}-{name}"),
            None => name.to_owned(),
        }
    }
}

/// Problems of a form made with [`Fields::in_form`]: each linked to the
/// input's prefixed id.
pub fn prefixed(problems: Vec<Problem>, prefix: &str) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| Problem {
            field_id: format!("{prefix}-{}", p.field_id),
            message: p.message,
        })
        .collect()
}

/// What every input has: an id (its name, perhaps with the form's
/// prefix), the name the form sends, a label or legend, an optional hint,
/// and the form's problems.
#[derive(Clone)]
struct Field<'a> {
    id: String,
    name: &'a str,
    prefix: Option<&'a str>,
    label: &'a str,
    hint: Option<&'a str>,
    problems: &'a [Problem],
}

impl Field<'_> {
    fn has_problem(&self) -> bool {
        field_problem(self.problems, &self.id).is_some()
    }

    fn described_by(&self) -> Option<String> {
        described_by(self.problems, &self.id, self.hint.is_some())
    }

    fn hint(&self) -> Markup {
        html! {
            @if let Some(hint) = self.hint { p.hint id={ (self.id) "-hint" } { (hint) } }
        }
    }

    /// The form group around one control: its label, hint and error
    /// message above it.
    fn group(&self, control: Markup) -> Markup {
        html! {
            div.form-group.form-group--error[self.has_problem()] {
                label for=(self.id) { (self.label) }
                (self.hint())
                (error_message(self.problems, &self.id))
                (control)
            }
        }
    }

    /// The form group around radios or checkboxes: a fieldset with its
    /// legend, hint and error message.
    fn fieldset(&self, items: Markup) -> Markup {
        html! {
            div.form-group.form-group--error[self.has_problem()] {
                fieldset aria-describedby=[self.described_by()] {
                    legend { (self.label) }
                    (self.hint())
                    (error_message(self.problems, &self.id))
                    (items)
                }
            }
        }
    }
}

/// A labelled one-line input; see [`Fields::text`].
pub struct TextInput<'a> {
    field: Field<'a>,
    value: &'a str,
    kind: &'a str,
    short: bool,
    numeric: bool,
    autocomplete: Option<&'a str>,
    no_spellcheck: bool,
}

impl<'a> TextInput<'a> {
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.field.hint = Some(hint);
        self
    }

    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }

    /// The input's type: `email`, `password`, `search`… (`text` if not said).
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    /// A narrow input, for numbers, dates and codes.
    pub fn short(mut self) -> Self {
        self.short = true;
        self
    }

    /// A whole number: phones show their number pad.
    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    /// What the browser may fill in, such as `username`; spelling is not
    /// checked in such an input.
    pub fn autocomplete(mut self, autocomplete: &'a str) -> Self {
        self.autocomplete = Some(autocomplete);
        self.no_spellcheck = true;
        self
    }
}

impl Render for TextInput<'_> {
    fn render(&self) -> Markup {
        let field = &self.field;
        field.group(html! {
            input.input--error[field.has_problem()].input--short[self.short] type=(self.kind) id=(field.id) name=(field.name) value=(self.value)
                autocomplete=[self.autocomplete]
                spellcheck=[self.no_spellcheck.then_some("false")]
                inputmode=[self.numeric.then_some("numeric")]
                aria-describedby=[field.described_by()];
        })
    }
}

/// A labelled text area; see [`Fields::textarea`].
pub struct Textarea<'a> {
    field: Field<'a>,
    value: &'a str,
    rows: u8,
}

impl<'a> Textarea<'a> {
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.field.hint = Some(hint);
        self
    }

    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }

    pub fn rows(mut self, rows: u8) -> Self {
        self.rows = rows;
        self
    }
}

impl Render for Textarea<'_> {
    fn render(&self) -> Markup {
        let field = &self.field;
        field.group(html! {
            textarea.input--error[field.has_problem()] id=(field.id) name=(field.name) rows=(self.rows)
                aria-describedby=[field.described_by()] { (self.value) }
        })
    }
}

/// A labelled drop-down list; see [`Fields::select`].
pub struct Select<'a> {
    field: Field<'a>,
    placeholder: Option<&'a str>,
    options: Vec<(String, String)>,
    selected: &'a str,
}

impl<'a> Select<'a> {
    /// The first option, with an empty value, such as "Choose an
    /// organisation".
    pub fn placeholder(mut self, text: &'a str) -> Self {
        self.placeholder = Some(text);
        self
    }

    /// The options, as (value, text).
    pub fn options<V: ToString, T: ToString>(
        mut self,
        options: impl IntoIterator<Item = (V, T)>,
    ) -> Self {
        self.options = options
            .into_iter()
            .map(|(value, text)| (value.to_string(), text.to_string()))
            .collect();
        self
    }

    /// The value of the option selected.
    pub fn selected(mut self, value: &'a str) -> Self {
        self.selected = value;
        self
    }
}

impl Render for Select<'_> {
    fn render(&self) -> Markup {
        let field = &self.field;
        field.group(html! {
            select id=(field.id) name=(field.name) aria-describedby=[field.described_by()] {
                @if let Some(placeholder) = self.placeholder { option value="" { (placeholder) } }
                @for (value, text) in &self.options {
                    option value=(value) selected[self.selected == value] { (text) }
                }
            }
        })
    }
}

/// One radio: its value, its label and an optional hint of its own.
pub struct Choice {
    value: String,
    label: String,
    hint: Option<String>,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl ToString) -> Choice {
        Choice {
            value: value.to_string(),
            label: label.to_string(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl ToString) -> Choice {
        self.hint = Some(hint.to_string());
        self
    }
}

/// A group of radios; see [`Fields::radios`].
pub struct Radios<'a> {
    field: Field<'a>,
    choices: Vec<Choice>,
    chosen: &'a str,
    reveals: Option<&'a str>,
}

impl<'a> Radios<'a> {
    /// A hint for the whole group, under the legend.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.field.hint = Some(hint);
        self
    }

    /// The radios, as (value, label).
    pub fn options(mut self, options: &[(&str, &str)]) -> Self {
        self.choices = options
            .iter()
            .map(|(value, label)| Choice::new(value, label))
            .collect();
        self
    }

    /// The radios, each with its own label and, perhaps, hint.
    pub fn choices(mut self, choices: impl IntoIterator<Item = Choice>) -> Self {
        self.choices = choices.into_iter().collect();
        self
    }

    /// The value of the radio chosen.
    pub fn chosen(mut self, value: &'a str) -> Self {
        self.chosen = value;
        self
    }

    /// The radio whose choice reveals the [`follow_up`] questions placed
    /// straight after the group ("why decline", "why not"). Hidden by the
    /// stylesheet alone until that radio is chosen; a browser that cannot
    /// tell (no CSS `:has`) shows them, so they work everywhere.
    pub fn reveals(mut self, value: &'a str) -> Self {
        self.reveals = Some(value);
        self
    }
}

/// Follow-up questions revealed by a radio (see [`Radios::reveals`]):
/// place them straight after its group.
pub fn follow_up(questions: Markup) -> Markup {
    html! { div.follow-up { (questions) } }
}

impl Render for Radios<'_> {
    fn render(&self) -> Markup {
        let id = &self.field.id;
        let name = self.field.name;
        self.field.fieldset(html! {
            @for (position, choice) in self.choices.iter().enumerate() {
                @let item = if position == 0 { id.to_owned() } else { format!("{id}-{position}") };
                div.radios__item {
                    input type="radio" id=(item) name=(name) value=(choice.value)
                        checked[self.chosen == choice.value]
                        data-reveals[self.reveals == Some(choice.value.as_str())]
                        aria-describedby=[choice.hint.as_ref().map(|_| format!("{item}-hint"))];
                    @if let Some(hint) = &choice.hint {
                        div {
                            label for=(item) { (choice.label) }
                            p.hint id={ (item) "-hint" } { (hint) }
                        }
                    } @else {
                        label for=(item) { (choice.label) }
                    }
                }
            }
        })
    }
}

/// A group of checkboxes; see [`Fields::checkboxes`].
pub struct Checkboxes<'a> {
    field: Field<'a>,
    boxes: Vec<(String, &'a str, bool)>,
}

impl<'a> Checkboxes<'a> {
    /// A hint for the whole group, under the legend.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.field.hint = Some(hint);
        self
    }

    /// One checkbox: its field name, its label and whether it is ticked.
    pub fn checkbox(mut self, name: impl ToString, label: &'a str, ticked: bool) -> Self {
        self.boxes.push((name.to_string(), label, ticked));
        self
    }
}

impl Render for Checkboxes<'_> {
    fn render(&self) -> Markup {
        self.field.fieldset(html! {
            @for (name, label, ticked) in &self.boxes {
                @let id = match self.field.prefix { Some(prefix) => format!("{prefix}-{name}"), None => name.clone() };
                div.radios__item {
                    input type="checkbox" id=(id) name=(name) value="yes" checked[*ticked];
                    label for=(id) { (label) }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(field: &str, message: &str) -> Vec<Problem> {
        vec![Problem {
            field_id: field.to_owned(),
            message: message.to_owned(),
        }]
    }

    #[test]
    fn a_field_with_a_problem_names_its_hint_and_error() {
        let problems = problem("capacity", "Enter a number");
        let html = Fields::new(&problems)
            .text("capacity", "Capacity")
            .hint("From 1 to 20.")
            .value("x")
            .short()
            .render()
            .into_string();
        assert_eq!(
            html,
            "<div class=\"form-group form-group--error\"><label for=\"capacity\">Capacity</label>\
             <p class=\"hint\" id=\"capacity-hint\">From 1 to 20.</p>\
             <span class=\"error-message\" id=\"capacity-error\"><span class=\"visually-hidden\">Error: </span>Enter a number</span>\
             <input class=\"input--error input--short\" type=\"text\" id=\"capacity\" name=\"capacity\" value=\"x\" \
             aria-describedby=\"capacity-hint capacity-error\"></div>"
        );
    }

    #[test]
    fn the_first_radio_carries_the_groups_id_for_the_error_summary() {
        let problems = problem("answer", "Choose an answer");
        let html = Fields::new(&problems)
            .radios("answer", "Your answer")
            .options(&[("accept", "I accept"), ("decline", "I decline")])
            .chosen("decline")
            .render()
            .into_string();
        assert!(html.contains("<fieldset aria-describedby=\"answer-error\">"));
        assert!(html.contains("id=\"answer\" name=\"answer\" value=\"accept\">"));
        assert!(html.contains("id=\"answer-1\" name=\"answer\" value=\"decline\" checked>"));
        assert!(html.contains("<label for=\"answer-1\">I decline</label>"));
    }

    #[test]
    fn a_select_without_a_problem_has_no_describedby() {
        let html = Fields::new(&[])
            .select("organisation", "Organisation")
            .placeholder("Choose an organisation")
            .options([(7, "Cafcass")])
            .selected("7")
            .render()
            .into_string();
        assert_eq!(
            html,
            "<div class=\"form-group\"><label for=\"organisation\">Organisation</label>\
             <select id=\"organisation\" name=\"organisation\"><option value=\"\">Choose an organisation</option>\
             <option value=\"7\" selected>Cafcass</option></select></div>"
        );
    }

    #[test]
    fn a_form_among_several_prefixes_its_ids_but_not_its_names() {
        let problems = prefixed(problem("date", "Enter a date"), "meeting");
        let fields = Fields::in_form(&problems, "meeting");
        let html = fields.text("date", "Date").render().into_string();
        assert!(html.contains("<label for=\"meeting-date\">"), "{html}");
        assert!(html.contains("id=\"meeting-date\" name=\"date\""), "{html}");
        assert!(html.contains("id=\"meeting-date-error\""), "{html}");
        let summary = error_summary(&problems).into_string();
        assert!(summary.contains("href=\"#meeting-date\""), "{summary}");
        // Another form's field of the same name has neither the id nor the problem.
        let other = Fields::in_form(&[], "cancel")
            .text("date", "Date")
            .render()
            .into_string();
        assert!(
            other.contains("id=\"cancel-date\" name=\"date\""),
            "{other}"
        );
        assert!(!other.contains("error"), "{other}");
        let boxes = Fields::in_form(&[], "nomatch")
            .checkboxes("reasons", "Why")
            .checkbox("reason_other", "Other", false)
            .render()
            .into_string();
        assert!(
            boxes.contains("id=\"nomatch-reason_other\" name=\"reason_other\""),
            "{boxes}"
        );
    }
}
