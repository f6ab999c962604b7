//! The pre-flight check of an export: everything the chosen format cannot hold as it is, per
//! document, each with the fix the export applies or offers. Nothing is left out of an export
//! without a finding here.
//!
//! [`check`] gives a [`PreflightReport`], plain data the CLI prints and the export dialog can
//! show; [`PreflightReport::apply`] selects the annotations to export (accepted ones, plus
//! suggestions when asked; rejected ones never) and applies the fixes marked `applied`, which
//! gives the [`ExportDocument`]s the exporters write.
//!
//! What is checked, in this order for each span:
//! - leading or trailing whitespace: trimmed where the format cannot hold it (token formats,
//!   spaCy, a line break at a brat span's edge), offered elsewhere;
//! - leading or trailing punctuation tokens (`London.`, `“Britain”`; not `U.S.` or the bracket
//!   of `Samsung (Korea)`): trimming is offered (applied with [`ExportOptions::trim`]);
//! - spans that cut a token of the engine's tokenizer: snapped outward to whole tokens for the
//!   token formats and spaCy;
//! - overlaps the format cannot hold (IOB tags, spaCy's `entities`): the longer span is kept;
//! - events and relations the format has no place for, arguments and relation ends that point
//!   to annotations not exported, brat lines about them: left out;
//! - events missing required arguments and labels outside the schema: exported as they are.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use crate::annotate::{Token, TokenKind, tokenize};
use crate::formats::export::{
    BRAT_EXTRA_META_KEY, ExportDocument, ExportFormat, ExportOptions, extra_targets,
};
use crate::model::{
    ArgTarget, Cardinality, Document, EntityId, EventId, Project, RelationId, Schema, Span, Status,
};

/// What a pre-flight found, document by document (documents without findings are omitted).
#[derive(Clone, Debug, PartialEq)]
pub struct PreflightReport {
    pub format: ExportFormat,
    pub documents: Vec<DocumentReport>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DocumentReport {
    pub document_id: String,
    pub document_name: String,
    pub findings: Vec<Finding>,
}

/// The annotation a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Entity(EntityId),
    Event(EventId),
    /// The argument at `index` in the event's argument list.
    Argument {
        event: EventId,
        index: usize,
    },
    Relation(RelationId),
    /// A brat line kept from an import (attribute, note…), by its position in the meta.
    BratLine(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// The span starts or ends inside a token of the export's tokenizer.
    OffTokens,
    /// The span starts or ends with whitespace (or is nothing but whitespace).
    EdgeWhitespace,
    /// The span starts or ends with a punctuation token.
    EdgePunctuation,
    /// The span overlaps another exported span, which the format cannot hold.
    Overlap,
    /// The event has fewer arguments of `role` than its type requires.
    MissingArgument { role: String, found: usize },
    /// The label or type is not in the project schema.
    NotInSchema,
    /// The format has no place for this kind of annotation.
    Unsupported,
    /// It points to an annotation this export leaves out.
    TargetNotExported,
}

impl FindingKind {
    /// A short name, for counts.
    pub fn name(&self) -> &'static str {
        match self {
            Self::OffTokens => "off token boundaries",
            Self::EdgeWhitespace => "edge whitespace",
            Self::EdgePunctuation => "edge punctuation",
            Self::Overlap => "overlap",
            Self::MissingArgument { .. } => "missing argument",
            Self::NotInSchema => "not in schema",
            Self::Unsupported => "not representable",
            Self::TargetNotExported => "points to what is not exported",
        }
    }
}

/// What the export does about a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Export the span trimmed to `to`.
    Trim { to: Span },
    /// Export the span widened to the whole tokens it touches.
    Snap { to: Span },
    /// Leave it out of this export.
    LeaveOut,
    /// Leave it out, keeping the longer span `kept` that it overlaps.
    KeepLonger { kept: EntityId },
    /// Keep it out of spaCy's `entities` (which hold `kept`) but in the `spans` group.
    SpansOnly { kept: EntityId },
    /// Export it as it is.
    AsIs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub target: Target,
    /// The entity label, event type, relation type or argument role.
    pub label: String,
    /// The span concerned, as it was before any fix.
    pub span: Option<Span>,
    /// The text of `span`, shortened for display.
    pub text: String,
    pub kind: FindingKind,
    pub fix: Fix,
    /// Whether the export applies `fix` (it cannot hold the annotation otherwise, or trimming
    /// was asked for) or only offers it.
    pub applied: bool,
}

impl PreflightReport {
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    pub fn finding_count(&self) -> usize {
        self.documents.iter().map(|d| d.findings.len()).sum()
    }

    /// The documents of `project` as `options` exports them: annotations selected by status,
    /// with the applied fixes of this report.
    pub fn apply<'a>(
        &self,
        project: &'a Project,
        options: &ExportOptions,
    ) -> Vec<ExportDocument<'a>> {
        let threads = crate::parallel::threads(None);
        apply_documents(
            project.documents(),
            &self.findings_by_document(),
            options,
            threads,
        )
    }

    /// Each reported document's findings, by document id.
    pub fn findings_by_document(&self) -> HashMap<&str, &[Finding]> {
        self.documents
            .iter()
            .map(|d| (d.document_id.as_str(), &d.findings[..]))
            .collect()
    }
}

/// `documents` as `options` exports them, with the applied fixes among `findings` (see
/// [`PreflightReport::findings_by_document`]), on `threads` threads.
pub fn apply_documents<'a>(
    documents: &'a [Document],
    findings: &HashMap<&str, &[Finding]>,
    options: &ExportOptions,
    threads: usize,
) -> Vec<ExportDocument<'a>> {
    crate::parallel::map_ordered(documents, threads, |doc| {
        let findings = findings.get(doc.id()).copied().unwrap_or_default();
        apply_document(doc, findings, options)
    })
}

impl DocumentReport {
    /// How many findings of each kind.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for finding in &self.findings {
            *counts.entry(finding.kind.name()).or_insert(0) += 1;
        }
        counts
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Entity(id) => write!(f, "{id}"),
            Self::Event(id) => write!(f, "{id}"),
            Self::Argument { event, index } => write!(f, "{event} argument {}", index + 1),
            Self::Relation(id) => write!(f, "{id}"),
            Self::BratLine(n) => write!(f, "kept brat line {}", n + 1),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.target, self.label)?;
        if let Some(span) = self.span {
            write!(f, " {span} {:?}", self.text)?;
        }
        let problem = match &self.kind {
            FindingKind::OffTokens => "cuts a token".to_owned(),
            FindingKind::EdgeWhitespace => "starts or ends with whitespace".to_owned(),
            FindingKind::EdgePunctuation => "starts or ends with punctuation".to_owned(),
            FindingKind::Overlap => {
                "overlaps another span, which this format cannot hold".to_owned()
            }
            FindingKind::MissingArgument { role, found } => {
                format!("has {found} {role} argument(s), fewer than its type requires")
            }
            FindingKind::NotInSchema => "is not in the project schema".to_owned(),
            FindingKind::Unsupported => "has no place in this format".to_owned(),
            FindingKind::TargetNotExported => {
                "points to an annotation this export leaves out".to_owned()
            }
        };
        let fix = match &self.fix {
            Fix::Trim { to } => format!("trim to {to}"),
            Fix::Snap { to } => format!("widen to whole tokens {to}"),
            Fix::LeaveOut => "leave it out".to_owned(),
            Fix::KeepLonger { kept } => format!("keep the longer {kept}, leave this one out"),
            Fix::SpansOnly { kept } => {
                format!("keep {kept} in entities, this one in spans only")
            }
            Fix::AsIs => "export it as it is".to_owned(),
        };
        let verb = if self.applied { "fix" } else { "offered" };
        write!(f, ": {problem}; {verb}: {fix}")
    }
}

impl fmt::Display for PreflightReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "pre-flight for {}: {} finding(s) in {} document(s)",
            self.format.name(),
            self.finding_count(),
            self.documents.len()
        )?;
        for doc in &self.documents {
            let counts: Vec<String> = doc
                .counts()
                .into_iter()
                .map(|(name, n)| format!("{n} {name}"))
                .collect();
            writeln!(f, "{}: {}", doc.document_name, counts.join(", "))?;
            for finding in &doc.findings {
                writeln!(f, "  {finding}")?;
            }
        }
        Ok(())
    }
}

/// Whether an annotation with `status` is exported at all.
pub fn is_selected(status: Status, options: &ExportOptions) -> bool {
    status == Status::Accepted || options.include_suggestions && status == Status::Suggested
}

/// Checks what exporting `project` with `options` would change or leave out.
pub fn check(project: &Project, options: &ExportOptions) -> PreflightReport {
    let threads = crate::parallel::threads(None);
    let documents = crate::parallel::map_ordered(project.documents(), threads, |doc| {
        let findings = check_document(project.schema(), doc, options);
        (!findings.is_empty()).then(|| DocumentReport {
            document_id: doc.id().to_owned(),
            document_name: doc.name().to_owned(),
            findings,
        })
    })
    .into_iter()
    .flatten()
    .collect();
    PreflightReport {
        format: options.format,
        documents,
    }
}

/// Collects findings for one document.
struct Checker<'a> {
    doc: &'a Document,
    tokens: Vec<Token>,
    options: &'a ExportOptions,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        target: Target,
        label: &str,
        span: Option<Span>,
        kind: FindingKind,
        fix: Fix,
        applied: bool,
    ) {
        let text = span
            .and_then(|s| self.doc.span_text(s))
            .map(shorten)
            .unwrap_or_default();
        self.findings.push(Finding {
            target,
            label: label.to_owned(),
            span,
            text,
            kind,
            fix,
            applied,
        });
    }

    /// The span as exported after its fixes, or `None` if it is left out.
    fn fix_span(&mut self, target: Target, label: &str, original: Span) -> Option<Span> {
        let format = self.options.format;
        let text = self.doc.text();
        let mut span = original;
        // brat writes a span across lines as fragments split at the breaks, so it cannot hold
        // a line break at a span's edge.
        let line_break_at_edge = [span.start, span.end - 1]
            .iter()
            .filter_map(|&i| {
                self.doc.span_text(Span {
                    start: i,
                    end: i + 1,
                })
            })
            .any(|c| c == "\n" || c == "\r");
        let required =
            format.needs_token_boundaries() || format == ExportFormat::Brat && line_break_at_edge;
        match trim_whitespace(self.doc, span) {
            None => {
                let applied = required || self.options.trim;
                self.push(
                    target,
                    label,
                    Some(original),
                    FindingKind::EdgeWhitespace,
                    Fix::LeaveOut,
                    applied,
                );
                return if applied { None } else { Some(span) };
            }
            Some(trimmed) if trimmed != span => {
                let applied = required || self.options.trim;
                self.push(
                    target,
                    label,
                    Some(original),
                    FindingKind::EdgeWhitespace,
                    Fix::Trim { to: trimmed },
                    applied,
                );
                if applied {
                    span = trimmed;
                }
            }
            Some(_) => {}
        }
        if let Some(trimmed) = trim_punctuation(text, &self.tokens, span) {
            self.push(
                target,
                label,
                Some(original),
                FindingKind::EdgePunctuation,
                Fix::Trim { to: trimmed },
                self.options.trim,
            );
            if self.options.trim {
                span = trimmed;
            }
        }
        if format.needs_token_boundaries() {
            let range = crate::formats::export::token_range(&self.tokens, span);
            let (Some(first), Some(last)) = (
                self.tokens.get(range.start),
                range.end.checked_sub(1).and_then(|i| self.tokens.get(i)),
            ) else {
                self.push(
                    target,
                    label,
                    Some(original),
                    FindingKind::OffTokens,
                    Fix::LeaveOut,
                    true,
                );
                return None;
            };
            let snapped = Span {
                start: first.span.start.min(span.start),
                end: last.span.end.max(span.end),
            };
            if snapped != span {
                self.push(
                    target,
                    label,
                    Some(original),
                    FindingKind::OffTokens,
                    Fix::Snap { to: snapped },
                    true,
                );
                span = snapped;
            }
        }
        Some(span)
    }
}

fn check_document(schema: &Schema, doc: &Document, options: &ExportOptions) -> Vec<Finding> {
    let format = options.format;
    let mut checker = Checker {
        doc,
        tokens: tokenize(doc.text()),
        options,
        findings: Vec::new(),
    };
    let selected = |status| is_selected(status, options);

    let mut kept: Vec<(EntityId, Span)> = Vec::new();
    for entity in doc.entities().iter().filter(|e| selected(e.status)) {
        let target = Target::Entity(entity.id);
        if schema.entity_label(&entity.label).is_none() {
            checker.push(
                target,
                &entity.label,
                Some(entity.span),
                FindingKind::NotInSchema,
                Fix::AsIs,
                false,
            );
        }
        if let Some(span) = checker.fix_span(target, &entity.label, entity.span) {
            kept.push((entity.id, span));
        }
    }
    let mut exported_entities: HashSet<EntityId> = kept.iter().map(|(id, _)| *id).collect();
    if !format.holds_overlaps() {
        // Longest first, then leftmost: each span stays unless a kept one overlaps it.
        let mut order = kept.clone();
        order.sort_by_key(|&(id, span)| (std::cmp::Reverse(span.len()), span.start, id));
        let mut chosen: Vec<(EntityId, Span)> = Vec::new();
        for (id, span) in order {
            match chosen.iter().find(|(_, s)| s.overlaps(span)) {
                Some(&(other, _)) => {
                    let entity = doc.entity(id);
                    let label = entity.map_or("", |e| e.label.as_str());
                    let original = entity.map(|e| e.span);
                    let fix = if format == ExportFormat::Spacy && options.spans {
                        Fix::SpansOnly { kept: other }
                    } else {
                        Fix::KeepLonger { kept: other }
                    };
                    checker.push(
                        Target::Entity(id),
                        label,
                        original,
                        FindingKind::Overlap,
                        fix,
                        true,
                    );
                    exported_entities.remove(&id);
                }
                None => chosen.push((id, span)),
            }
        }
    }

    let events: Vec<_> = doc.events().iter().filter(|e| selected(e.status)).collect();
    let mut exported_events: HashSet<EventId> = HashSet::new();
    for event in &events {
        let target = Target::Event(event.id);
        if !format.holds_events() {
            checker.push(
                target,
                &event.event_type,
                Some(event.trigger),
                FindingKind::Unsupported,
                Fix::LeaveOut,
                true,
            );
            continue;
        }
        if schema.event_type(&event.event_type).is_none() {
            checker.push(
                target,
                &event.event_type,
                Some(event.trigger),
                FindingKind::NotInSchema,
                Fix::AsIs,
                false,
            );
        }
        if checker
            .fix_span(target, &event.event_type, event.trigger)
            .is_some()
        {
            exported_events.insert(event.id);
        }
    }
    for event in events.iter().filter(|e| exported_events.contains(&e.id)) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (index, arg) in event.arguments.iter().enumerate() {
            let exported = match arg.target {
                ArgTarget::Entity(id) => exported_entities.contains(&id),
                ArgTarget::Event(id) => exported_events.contains(&id),
            };
            if exported {
                *counts.entry(&arg.role).or_insert(0) += 1;
            } else {
                checker.push(
                    Target::Argument {
                        event: event.id,
                        index,
                    },
                    &arg.role,
                    None,
                    FindingKind::TargetNotExported,
                    Fix::LeaveOut,
                    true,
                );
            }
        }
        let Some(event_type) = schema.event_type(&event.event_type) else {
            continue;
        };
        for role in &event_type.roles {
            let found = counts.get(role.name.as_str()).copied().unwrap_or(0);
            let required = matches!(role.count, Cardinality::ExactlyOne | Cardinality::OneOrMore);
            if required && found == 0 {
                checker.push(
                    Target::Event(event.id),
                    &event.event_type,
                    Some(event.trigger),
                    FindingKind::MissingArgument {
                        role: role.name.clone(),
                        found,
                    },
                    Fix::AsIs,
                    false,
                );
            }
        }
    }

    let mut exported_relations: HashSet<RelationId> = HashSet::new();
    for relation in doc.relations().iter().filter(|r| selected(r.status)) {
        let target = Target::Relation(relation.id);
        let label = &relation.relation_type;
        if !format.holds_relations(options) {
            checker.push(
                target,
                label,
                None,
                FindingKind::Unsupported,
                Fix::LeaveOut,
                true,
            );
            continue;
        }
        if schema.relation_type(label).is_none() {
            checker.push(
                target,
                label,
                None,
                FindingKind::NotInSchema,
                Fix::AsIs,
                false,
            );
        }
        if [relation.from, relation.to]
            .iter()
            .all(|id| exported_entities.contains(id))
        {
            exported_relations.insert(relation.id);
        } else {
            checker.push(
                target,
                label,
                None,
                FindingKind::TargetNotExported,
                Fix::LeaveOut,
                true,
            );
        }
    }

    if let Some(extras) = doc.meta().get(BRAT_EXTRA_META_KEY) {
        for (n, line) in extras.lines().enumerate() {
            let exported = extra_targets(line).iter().all(|id| {
                let number = id.get(1..).and_then(|n| n.parse::<u32>().ok());
                match (id.chars().next(), number) {
                    (Some('T'), Some(n)) => exported_entities.contains(&EntityId(n)),
                    (Some('E'), Some(n)) => exported_events.contains(&EventId(n)),
                    (Some('R'), Some(n)) => exported_relations.contains(&RelationId(n)),
                    _ => false,
                }
            });
            let kind = if format != ExportFormat::Brat {
                FindingKind::Unsupported
            } else if !exported {
                FindingKind::TargetNotExported
            } else {
                continue;
            };
            let label = line.split('\t').nth(1).unwrap_or_default();
            let label = label.split_whitespace().next().unwrap_or_default();
            checker.push(Target::BratLine(n), label, None, kind, Fix::LeaveOut, true);
        }
    }
    checker.findings
}

/// The span without leading and trailing whitespace; `None` if nothing else is left.
fn trim_whitespace(doc: &Document, span: Span) -> Option<Span> {
    let text = doc.span_text(span)?;
    let leading = text.chars().take_while(|c| c.is_whitespace()).count();
    if leading == span.len() {
        return None;
    }
    let trailing = text.chars().rev().take_while(|c| c.is_whitespace()).count();
    Some(Span {
        start: span.start + leading,
        end: span.end - trailing,
    })
}

/// The closing partner of an opening bracket or quote.
fn closer_of(opener: &str) -> Option<&'static str> {
    Some(match opener {
        "(" => ")",
        "[" => "]",
        "{" => "}",
        "“" => "”",
        "‘" => "’",
        "«" => "»",
        "‹" => "›",
        "「" => "」",
        "『" => "』",
        "\"" => "\"",
        "'" => "'",
        _ => return None,
    })
}

fn opener_of(closer: &str) -> Option<&'static str> {
    ["(", "[", "{", "“", "‘", "«", "‹", "「", "『", "\"", "'"]
        .into_iter()
        .find(|o| closer_of(o) == Some(closer))
}

/// The span without punctuation tokens at its edges, when it has more than them: `London.`,
/// `(Korea)`, `“Britain,”`; a bracket whose partner is inside stays (`Samsung (Korea)`), and
/// `U.S.` is one token. `None` when there is nothing to trim.
fn trim_punctuation(text: &str, tokens: &[Token], span: Span) -> Option<Span> {
    let mut cur = span;
    loop {
        let inside = &tokens[crate::formats::export::token_range(tokens, cur)];
        let (Some(first), Some(last)) = (inside.first(), inside.last()) else {
            break;
        };
        if inside.len() < 2 {
            break;
        }
        let lead = first.kind == TokenKind::Punct && first.span.start == cur.start;
        let trail = last.kind == TokenKind::Punct && last.span.end == cur.end;
        let (first_text, last_text) = (first.text(text), last.text(text));
        let body = |from: usize, to: usize| {
            inside[from..to]
                .iter()
                .map(|t| t.text(text))
                .collect::<Vec<_>>()
        };
        let wraps = lead && trail && closer_of(first_text) == Some(last_text);
        let keep_lead =
            closer_of(first_text).is_some_and(|closer| body(1, inside.len()).contains(&closer));
        let keep_trail =
            opener_of(last_text).is_some_and(|opener| body(0, inside.len() - 1).contains(&opener));
        let drop_lead = lead && (wraps || !keep_lead);
        let drop_trail = trail && (wraps || !keep_trail);
        if !drop_lead && !drop_trail {
            break;
        }
        if drop_lead && drop_trail && inside.len() == 2 {
            break; // nothing but punctuation
        }
        if drop_lead {
            cur.start = inside[1].span.start;
        }
        if drop_trail {
            cur.end = inside[inside.len() - 2].span.end;
        }
    }
    (cur != span).then_some(cur)
}

/// At most 40 chars of `text`, for messages.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 40 {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(39).collect();
    short.push('…');
    short
}

/// One document as exported: selection by status, then the applied fixes.
fn apply_document<'a>(
    doc: &'a Document,
    findings: &[Finding],
    options: &ExportOptions,
) -> ExportDocument<'a> {
    let mut spans: HashMap<Target, Span> = HashMap::new();
    let mut left_out: HashSet<Target> = HashSet::new();
    let mut spans_only: HashSet<Target> = HashSet::new();
    for finding in findings.iter().filter(|f| f.applied) {
        match finding.fix {
            Fix::Trim { to } | Fix::Snap { to } => {
                spans.insert(finding.target, to);
            }
            Fix::LeaveOut | Fix::KeepLonger { .. } => {
                left_out.insert(finding.target);
            }
            Fix::SpansOnly { .. } => {
                spans_only.insert(finding.target);
            }
            Fix::AsIs => {}
        }
    }
    let selected = |status| is_selected(status, options);
    let mut entities = Vec::new();
    let mut extra_spans = Vec::new();
    for entity in doc.entities().iter().filter(|e| selected(e.status)) {
        let target = Target::Entity(entity.id);
        if left_out.contains(&target) {
            continue;
        }
        let mut entity = entity.clone();
        if let Some(&span) = spans.get(&target) {
            entity.span = span;
        }
        if spans_only.contains(&target) {
            extra_spans.push(entity);
        } else {
            entities.push(entity);
        }
    }
    entities.sort_by_key(|e| (e.span, e.id));
    let events = doc
        .events()
        .iter()
        .filter(|e| selected(e.status) && !left_out.contains(&Target::Event(e.id)))
        .map(|event| {
            let mut event = event.clone();
            if let Some(&span) = spans.get(&Target::Event(event.id)) {
                event.trigger = span;
            }
            let id = event.id;
            event.arguments = event
                .arguments
                .into_iter()
                .enumerate()
                .filter(|(index, _)| {
                    !left_out.contains(&Target::Argument {
                        event: id,
                        index: *index,
                    })
                })
                .map(|(_, arg)| arg)
                .collect();
            event
        })
        .collect();
    let relations = doc
        .relations()
        .iter()
        .filter(|r| selected(r.status) && !left_out.contains(&Target::Relation(r.id)))
        .cloned()
        .collect();
    let brat_extras = doc
        .meta()
        .get(BRAT_EXTRA_META_KEY)
        .map(|extras| {
            extras
                .lines()
                .enumerate()
                .filter(|(n, _)| !left_out.contains(&Target::BratLine(*n)))
                .map(|(_, line)| line.to_owned())
                .collect()
        })
        .unwrap_or_default();
    ExportDocument {
        document: doc,
        entities,
        extra_spans,
        events,
        relations,
        brat_extras,
    }
}
