//! brat standoff: for each document `NAME.txt` (the text, byte for byte) and `NAME.ann`, plus
//! one `annotation.conf` generated from the schema. For `Sony formed a joint venture with
//! Ericsson in Sweden.` (`.ann` columns are TAB-separated, shown as spaces here):
//!
//! ```text
//! T1    ORG 0 4    Sony
//! T2    ORG 33 41    Ericsson
//! T3    GPE 45 51    Sweden
//! T4    Business_Merge-Org 14 27    joint venture
//! E1    Business_Merge-Org:T4 Org:T1 Org2:T2
//! R1    PHYS_Located Arg1:T2 Arg2:T3
//! A1    Status E1 Suggested
//! A2    Score E1 0.8
//! ```
//!
//! Offsets count chars, as brat does. Entities keep their ids (`T<id>`), events theirs
//! (`E<id>`), relations theirs (`R<id>`); each distinct trigger gets a `T` after the last
//! entity's. A repeated role is numbered from the second on (`Org`, `Org2`). brat names cannot
//! hold `:` (it separates roles from ids) or whitespace, so both become `_` ([`brat_name`]):
//! ACE's `Business:Merge-Org` is written `Business_Merge-Org`, and the importer maps it back
//! through the project schema. A span that crosses a line break is written as fragments
//! split at the break (`T4    GPE 10 15;16 22    North Korea`), which is how brat holds it.
//!
//! `A` (status, score) lines are written when asked; brat lines the model has no place for
//! (attributes, normalisations, notes, equivalences), kept in the document's meta under
//! [`EXTRA_META_KEY`] by the brat import, are written back as they were.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::{ExportDocument, ExportError, ExportOptions, OutputFile, Stems, score_of};
use crate::model::{ArgTarget, Cardinality, Document, Schema, Span, Status};

/// The document meta key holding brat lines tagdesk does not model, one per line.
pub const EXTRA_META_KEY: &str = "brat.extra";

/// True when one of `lines` (of `annotation.conf`, `NAME\targuments`) declares `name`.
fn declares(lines: &[String], name: &str) -> bool {
    lines.iter().any(|l| l.split('\t').next() == Some(name))
}

/// A name as brat can hold it: `:` and whitespace become `_`.
pub fn brat_name(name: &str) -> Cow<'_, str> {
    if name.contains(|c: char| c == ':' || c.is_whitespace()) {
        Cow::Owned(name.replace(|c: char| c == ':' || c.is_whitespace(), "_"))
    } else {
        Cow::Borrowed(name)
    }
}

/// The annotation ids a kept brat line (`A`, `M`, `N`, `#` or `*`) refers to.
pub fn extra_targets(line: &str) -> Vec<&str> {
    let Some((id, rest)) = line.split_once('\t') else {
        return Vec::new();
    };
    let annotation = rest.split('\t').next().unwrap_or_default();
    let mut fields = annotation.split_whitespace().skip(1);
    if id.starts_with('*') {
        fields.collect()
    } else {
        fields.next().into_iter().collect()
    }
}

pub(super) fn write(
    schema: &Schema,
    documents: &[ExportDocument],
    options: &ExportOptions,
) -> Result<Vec<OutputFile>, ExportError> {
    let mut writer = Writer::new(schema, options.status_attributes);
    let mut files = writer.add(documents, options)?;
    files.push(writer.finish());
    Ok(files)
}

/// The export written a block of documents at a time: file names stay distinct across
/// blocks and `annotation.conf`, written by [`Writer::finish`], declares what every block
/// used, so the files are those of one pass.
pub(super) struct Writer<'s> {
    stems: Stems,
    conf: Conf<'s>,
}

impl<'s> Writer<'s> {
    pub(super) fn new(schema: &'s Schema, status_attributes: bool) -> Self {
        Writer {
            stems: Stems::default(),
            conf: Conf::new(schema, status_attributes),
        }
    }

    /// The `.txt` and `.ann` files of `documents`.
    pub(super) fn add(
        &mut self,
        documents: &[ExportDocument],
        options: &ExportOptions,
    ) -> Result<Vec<OutputFile>, ExportError> {
        let mut files = Vec::with_capacity(documents.len() * 2);
        for doc in documents {
            let stem = self.stems.next(doc.document.id());
            files.push(OutputFile {
                path: format!("{stem}.txt").into(),
                bytes: doc.document.text().as_bytes().to_vec(),
            });
            files.push(OutputFile {
                path: format!("{stem}.ann").into(),
                bytes: ann(doc, options)?.into_bytes(),
            });
        }
        self.conf.add(documents);
        Ok(files)
    }

    /// `annotation.conf`.
    pub(super) fn finish(self) -> OutputFile {
        OutputFile {
            path: "annotation.conf".into(),
            bytes: self.conf.finish().into_bytes(),
        }
    }
}

/// `START END` fragments of a span, split at line breaks, and the text column (fragments
/// joined by one space, as brat writes discontinuous spans).
fn fragments(doc: &Document, span: Span) -> Result<(String, String), ExportError> {
    let text = super::span_text(doc, span)?;
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        let pos = span.start + i;
        match (matches!(c, '\n' | '\r'), start) {
            (true, Some(s)) => {
                pieces.push((s, pos));
                start = None;
            }
            (false, None) => start = Some(pos),
            _ => {}
        }
    }
    if let Some(s) = start {
        pieces.push((s, span.end));
    }
    if pieces.is_empty() {
        // Only line breaks: the pre-flight leaves such spans out; write it whole regardless.
        pieces.push((span.start, span.end));
    }
    let offsets: Vec<String> = pieces.iter().map(|(s, e)| format!("{s} {e}")).collect();
    let mut texts = Vec::with_capacity(pieces.len());
    for &(start, end) in &pieces {
        texts.push(super::span_text(doc, Span { start, end })?);
    }
    Ok((offsets.join(";"), texts.join(" ")))
}

/// The `.ann` file of one document.
fn ann(doc: &ExportDocument, options: &ExportOptions) -> Result<String, ExportError> {
    let mut out = String::new();
    let mut status_lines: Vec<(String, Status, Option<f32>)> = Vec::new();
    for entity in &doc.entities {
        let (offsets, text) = fragments(doc.document, entity.span)?;
        writeln!(
            out,
            "T{}\t{} {offsets}\t{text}",
            entity.id.0,
            brat_name(&entity.label)
        )
        .ok();
        status_lines.push((
            format!("T{}", entity.id.0),
            entity.status,
            score_of(&entity.origin),
        ));
    }
    let mut next_t = doc.entities.iter().map(|e| e.id.0).max().unwrap_or(0) + 1;
    let mut triggers: HashMap<(Span, &str), u32> = HashMap::new();
    for event in &doc.events {
        let key = (event.trigger, event.event_type.as_str());
        let trigger = match triggers.get(&key) {
            Some(&t) => t,
            None => {
                let t = next_t;
                next_t += 1;
                triggers.insert(key, t);
                let (offsets, text) = fragments(doc.document, event.trigger)?;
                writeln!(
                    out,
                    "T{t}\t{} {offsets}\t{text}",
                    brat_name(&event.event_type)
                )
                .ok();
                t
            }
        };
        write!(
            out,
            "E{}\t{}:T{trigger}",
            event.id.0,
            brat_name(&event.event_type)
        )
        .ok();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for arg in &event.arguments {
            let n = seen.entry(&arg.role).or_insert(0);
            *n += 1;
            let suffix = if *n > 1 { n.to_string() } else { String::new() };
            let target = match arg.target {
                ArgTarget::Entity(id) => format!("T{}", id.0),
                ArgTarget::Event(id) => format!("E{}", id.0),
            };
            write!(out, " {}{suffix}:{target}", brat_name(&arg.role)).ok();
        }
        out.push('\n');
        status_lines.push((
            format!("E{}", event.id.0),
            event.status,
            score_of(&event.origin),
        ));
    }
    for relation in &doc.relations {
        writeln!(
            out,
            "R{}\t{} Arg1:T{} Arg2:T{}\t",
            relation.id.0,
            brat_name(&relation.relation_type),
            relation.from.0,
            relation.to.0
        )
        .ok();
    }
    // Attribute ids continue after those of the kept lines.
    let mut next_a = doc
        .brat_extras
        .iter()
        .filter_map(|l| l.strip_prefix('A')?.split('\t').next()?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    if options.status_attributes {
        for (target, status, score) in status_lines {
            let value = if status == Status::Suggested {
                "Suggested"
            } else {
                "Accepted"
            };
            writeln!(out, "A{next_a}\tStatus {target} {value}").ok();
            next_a += 1;
            if let Some(score) = score {
                writeln!(out, "A{next_a}\tScore {target} {score}").ok();
                next_a += 1;
            }
        }
    }
    for line in &doc.brat_extras {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

fn cardinality_suffix(count: Cardinality) -> &'static str {
    match count {
        Cardinality::ExactlyOne => "",
        Cardinality::ZeroOrOne => "?",
        Cardinality::ZeroOrMore => "*",
        Cardinality::OneOrMore => "+",
    }
}

fn type_list(labels: &[String]) -> String {
    if labels.is_empty() {
        return "<ENTITY>".to_owned();
    }
    labels
        .iter()
        .map(|l| brat_name(l).into_owned())
        .collect::<Vec<_>>()
        .join("|")
}

/// brat's `annotation.conf` for `schema`, plus whatever the documents use outside it, the
/// attributes of kept brat lines and, with `status_attributes`, `Status` and `Score`.
pub fn annotation_conf(
    schema: &Schema,
    documents: &[ExportDocument],
    status_attributes: bool,
) -> String {
    let mut conf = Conf::new(schema, status_attributes);
    conf.add(documents);
    conf.finish()
}

/// An `annotation.conf` gathered document by document (see [`annotation_conf`]).
struct Conf<'s> {
    schema: &'s Schema,
    status_attributes: bool,
    entities: Vec<Cow<'s, str>>,
    relations: Vec<String>,
    events: Vec<String>,
    /// Attribute name -> (kinds it applies to, values); binary attributes have no values.
    attributes: Vec<(String, BTreeSet<&'static str>, BTreeSet<String>)>,
}

impl<'s> Conf<'s> {
    fn new(schema: &'s Schema, status_attributes: bool) -> Self {
        let entities = schema
            .entity_labels
            .iter()
            .map(|l| brat_name(&l.name))
            .collect();
        let relations = schema
            .relation_types
            .iter()
            .map(|r| {
                format!(
                    "{}\tArg1:{}, Arg2:{}",
                    brat_name(&r.name),
                    type_list(&r.from),
                    type_list(&r.to)
                )
            })
            .collect();
        let events = schema
            .event_types
            .iter()
            .map(|t| {
                let roles: Vec<String> = t
                    .roles
                    .iter()
                    .map(|r| {
                        format!(
                            "{}{}:{}",
                            brat_name(&r.name),
                            cardinality_suffix(r.count),
                            type_list(&r.labels)
                        )
                    })
                    .collect();
                format!("{}\t{}", brat_name(&t.name), roles.join(", "))
                    .trim_end()
                    .to_owned()
            })
            .collect();
        Conf {
            schema,
            status_attributes,
            entities,
            relations,
            events,
            attributes: Vec::new(),
        }
    }

    fn note(&mut self, name: &str, target: &str, value: Option<&str>) {
        let kind = if target.starts_with('E') {
            "<EVENT>"
        } else {
            "<ENTITY>"
        };
        let slot = match self.attributes.iter().position(|(n, _, _)| n == name) {
            Some(i) => i,
            None => {
                self.attributes
                    .push((name.to_owned(), BTreeSet::new(), BTreeSet::new()));
                self.attributes.len() - 1
            }
        };
        self.attributes[slot].1.insert(kind);
        if let Some(value) = value {
            self.attributes[slot].2.insert(value.to_owned());
        }
    }

    fn add(&mut self, documents: &[ExportDocument]) {
        let schema = self.schema;
        // Names used outside the schema (the pre-flight reports them) still need declaring.
        for doc in documents {
            for entity in &doc.entities {
                let name = brat_name(&entity.label);
                if schema.entity_label(&entity.label).is_none() && !self.entities.contains(&name) {
                    self.entities.push(Cow::Owned(name.into_owned()));
                }
            }
            for event in &doc.events {
                let name = brat_name(&event.event_type).into_owned();
                if schema.event_type(&event.event_type).is_none() && !declares(&self.events, &name)
                {
                    self.events.push(name);
                }
            }
            for relation in &doc.relations {
                let name = brat_name(&relation.relation_type).into_owned();
                if schema.relation_type(&relation.relation_type).is_none()
                    && !declares(&self.relations, &name)
                {
                    self.relations
                        .push(format!("{name}\tArg1:<ENTITY>, Arg2:<ENTITY>"));
                }
            }
        }
        for doc in documents {
            for line in &doc.brat_extras {
                if !(line.starts_with('A') || line.starts_with('M')) {
                    continue;
                }
                let annotation = line.split('\t').nth(1).unwrap_or_default();
                let mut fields = annotation.split_whitespace();
                if let (Some(name), Some(target)) = (fields.next(), fields.next()) {
                    self.note(name, target, fields.next());
                }
            }
            if self.status_attributes {
                let targets = doc
                    .entities
                    .iter()
                    .map(|e| ("T", e.status, score_of(&e.origin)))
                    .chain(
                        doc.events
                            .iter()
                            .map(|e| ("E", e.status, score_of(&e.origin))),
                    );
                for (target, status, score) in targets {
                    let value = if status == Status::Suggested {
                        "Suggested"
                    } else {
                        "Accepted"
                    };
                    self.note("Status", target, Some(value));
                    if let Some(score) = score {
                        self.note("Score", target, Some(&score.to_string()));
                    }
                }
            }
        }
    }

    fn finish(self) -> String {
        let mut out =
            String::from("# Generated by tagdesk from the project schema.\n\n[entities]\n\n");
        for name in self.entities {
            writeln!(out, "{name}").ok();
        }
        out.push_str("\n[relations]\n\n");
        for line in self.relations {
            writeln!(out, "{line}").ok();
        }
        out.push_str("\n[events]\n\n");
        for line in self.events {
            writeln!(out, "{line}").ok();
        }
        out.push_str("\n[attributes]\n\n");
        for (name, kinds, values) in self.attributes {
            let kinds: Vec<&str> = kinds.into_iter().collect();
            write!(out, "{name}\tArg:{}", kinds.join("|")).ok();
            if !values.is_empty() {
                let values: Vec<String> = values.into_iter().collect();
                write!(out, ", Value:{}", values.join("|")).ok();
            }
            out.push('\n');
        }
        out
    }
}
