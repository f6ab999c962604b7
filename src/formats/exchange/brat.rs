//! brat standoff: `NAME.txt` (the text, kept byte for byte) with `NAME.ann`, and a
//! collection's `annotation.conf`, which becomes a [`Schema`].
//!
//! - `T` lines become entities (`T12` keeps id 12), except those an `E` line uses as its
//!   trigger, which become that event's trigger span. A discontinuous `T`
//!   (`0 5;16 23`) becomes the span from its first fragment to its last: silently when the gaps
//!   are line breaks (how tagdesk's export writes a span across lines), with a note otherwise.
//! - `E` lines become events; a repeated role's number (`Org-Arg2`) is removed; arguments may
//!   be entities or other events.
//! - `R` lines become relations (`Arg1` from, `Arg2` to).
//! - `A` lines named `Status` (`Suggested`/`Accepted`) and `Score`, which the export writes,
//!   set the status and score of what they point to.
//! - Other `A`, `M`, `N`, `#` and `*` lines are kept in the document meta under
//!   [`EXTRA_META_KEY`] and written back by the brat export (the model has no attributes or
//!   notes); those about a trigger are counted in the notes and not kept.
//!
//! Every id referred to must exist, every offset must lie in the text and every `T` line's
//! text column must equal the text it covers (as brat itself requires).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{
    ExchangeError, ImportOptions, Imported, Location, Reason, file_name, file_stem, read_text,
    resolve_name, span_from,
};
use crate::formats::export::{
    BRAT_EXTRA_META_KEY as EXTRA_META_KEY, OffsetUnit, brat_name, extra_targets,
};
use crate::model::{
    ArgTarget, Argument, Cardinality, Document, Entity, EntityId, EntityLabel, Event, EventId,
    EventType, Origin, Relation, RelationId, RelationType, Rgb, Role, Schema, Source, SourceFormat,
    Span, Status, TextIndex,
};

/// What a brat import changed or set aside, by description, summed over files.
type Tally = BTreeMap<&'static str, usize>;

/// Imports `.ann` files with their `.txt`, or every `.ann` under a folder (in name order), and
/// the `annotation.conf` of the first folder (or of the first file's folder).
pub(super) fn import_paths(
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Result<Imported, ExchangeError> {
    let mut ann_files = Vec::new();
    let mut conf = None;
    for path in paths {
        if path.is_dir() {
            let before = ann_files.len();
            walk(path, &mut ann_files)?;
            if ann_files.len() == before {
                return Err(ExchangeError::Input {
                    path: path.clone(),
                    message: "no .ann files in this folder".to_owned(),
                });
            }
            let candidate = path.join("annotation.conf");
            if conf.is_none() && candidate.is_file() {
                conf = Some(candidate);
            }
            continue;
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("ann") => ann_files.push(path.clone()),
            Some("txt") => ann_files.push(path.with_extension("ann")),
            Some("conf") => conf = Some(path.clone()),
            _ => {
                return Err(ExchangeError::Input {
                    path: path.clone(),
                    message: "not a brat file: give .ann (or .txt) files or folders".to_owned(),
                });
            }
        }
        let candidate = path.with_file_name("annotation.conf");
        if conf.is_none() && candidate.is_file() {
            conf = Some(candidate);
        }
    }
    let schema = match &conf {
        Some(path) => Some(parse_annotation_conf(path, &read_text(path)?, options)?),
        None => None,
    };
    let mut imported = Imported::default();
    let mut tally = Tally::new();
    for ann_path in ann_files {
        let text = read_text(&ann_path.with_extension("txt"))?;
        let ann = read_text(&ann_path)?;
        let (document, counts) = parse_brat(&ann_path, text, &ann, schema.as_ref(), options)?;
        imported.documents.push(document);
        for (what, n) in counts {
            *tally.entry(what).or_insert(0) += n;
        }
    }
    if let Some(path) = &conf
        && let Ok(content) = read_text(path)
    {
        let attributes = attribute_count(&content);
        if attributes > 0 {
            tally.insert(
                "attribute type(s) of annotation.conf not added to the schema (tagdesk has no attributes; their lines are kept per document)",
                attributes,
            );
        }
    }
    imported.notes = tally
        .into_iter()
        .map(|(what, n)| format!("brat: {n} {what}"))
        .collect();
    imported.schema = schema;
    Ok(imported)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ExchangeError> {
    let entries =
        crate::formats::import::sorted_entries(dir).map_err(|source| ExchangeError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ann") {
            out.push(path);
        }
    }
    Ok(())
}

/// A `T` line.
struct TextBound<'a> {
    label: &'a str,
    span: Span,
    line: usize,
}

/// An `E` line.
struct RawEvent<'a> {
    id: &'a str,
    event_type: &'a str,
    trigger: &'a str,
    arguments: Vec<(&'a str, &'a str)>,
    line: usize,
}

/// An `R` line.
struct RawRelation<'a> {
    id: &'a str,
    relation_type: &'a str,
    args: [(&'a str, &'a str); 2],
    line: usize,
}

/// The number of `T12`, `E3`, `R1`.
fn number(id: &str) -> Result<u32, Reason> {
    id.get(1..)
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|&n| n > 0)
        .ok_or_else(|| Reason::BadId(id.to_owned()))
}

/// Parses one document: `ann_path` names the `.ann` file, `text` is its `.txt`. `conf` (the
/// collection's schema) helps tell a numbered role (`Org-Arg2`) from a role ending in a digit.
pub fn parse_brat(
    ann_path: &Path,
    text: String,
    ann: &str,
    conf: Option<&Schema>,
    options: &ImportOptions,
) -> Result<(Document, Tally), ExchangeError> {
    let err = |line, reason| ExchangeError::invalid(ann_path, Location::Line(line), reason);
    let index = TextIndex::new(text.as_str());
    let mut tally = Tally::new();
    let mut text_bounds: HashMap<&str, TextBound> = HashMap::new();
    let mut t_order: Vec<&str> = Vec::new();
    let mut events: Vec<RawEvent> = Vec::new();
    let mut relations: Vec<RawRelation> = Vec::new();
    let mut extras: Vec<(usize, &str)> = Vec::new();
    let mut ids: HashSet<&str> = HashSet::new();
    let ann = ann.strip_prefix('\u{feff}').unwrap_or(ann);
    for (i, line) in ann.split('\n').enumerate() {
        let line_no = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason| err(line_no, reason);
        let Some((id, rest)) = line.split_once('\t') else {
            return Err(err(Reason::Truncated(
                "expected an id, a tab and an annotation".to_owned(),
            )));
        };
        if !id.starts_with('*') && !ids.insert(id) {
            return Err(err(Reason::DuplicateId(id.to_owned())));
        }
        match id.chars().next() {
            Some('T') => {
                let Some((annotation, covered)) = rest.split_once('\t') else {
                    return Err(err(Reason::Truncated(format!(
                        "{id} has no text column after its offsets"
                    ))));
                };
                let Some((label, offsets)) = annotation.split_once(' ') else {
                    return Err(err(Reason::Truncated(format!(
                        "{id} needs a type and offsets"
                    ))));
                };
                if label.trim().is_empty() {
                    return Err(err(Reason::Malformed(format!("{id} has an empty label"))));
                }
                let mut fragments = Vec::new();
                for fragment in offsets.split(';') {
                    let numbers: Vec<usize> = fragment
                        .split_whitespace()
                        .map(str::parse)
                        .collect::<Result<_, _>>()
                        .map_err(|_| {
                            err(Reason::Malformed(format!(
                                "{id}: offsets {fragment:?} are not two numbers"
                            )))
                        })?;
                    let [start, end] = numbers[..] else {
                        return Err(err(Reason::Malformed(format!(
                            "{id}: offsets {fragment:?} are not two numbers"
                        ))));
                    };
                    fragments
                        .push(span_from(&index, start, end, OffsetUnit::Chars, id).map_err(err)?);
                }
                let pieces: Vec<&str> = fragments
                    .iter()
                    .map(|s| index.slice_chars(s.start, s.end).unwrap_or_default())
                    .collect();
                let expected = pieces.join(" ");
                if expected != covered {
                    return Err(err(Reason::TextMismatch {
                        what: id.to_owned(),
                        found: covered.to_owned(),
                        expected,
                    }));
                }
                let (Some(first), Some(last)) = (fragments.first(), fragments.last()) else {
                    continue; // not reached: split yields at least one fragment
                };
                let span = Span {
                    start: first.start,
                    end: last.end,
                };
                let gaps_are_line_breaks = fragments.windows(2).all(|w| {
                    index.slice_chars(w[0].end, w[1].start).is_some_and(|gap| {
                        !gap.is_empty() && gap.chars().all(|c| c == '\n' || c == '\r')
                    })
                });
                if !gaps_are_line_breaks {
                    *tally
                        .entry("discontinuous span(s) imported as one span from the first fragment to the last")
                        .or_insert(0) += 1;
                }
                t_order.push(id);
                text_bounds.insert(
                    id,
                    TextBound {
                        label,
                        span,
                        line: line_no,
                    },
                );
            }
            Some('E') => {
                let mut fields = rest.split_whitespace();
                let Some(head) = fields.next() else {
                    return Err(err(Reason::Truncated(format!("{id} has no TYPE:TRIGGER"))));
                };
                let Some((event_type, trigger)) = head.split_once(':') else {
                    return Err(err(Reason::Malformed(format!(
                        "{id}: {head:?} is not TYPE:TRIGGER"
                    ))));
                };
                if event_type.is_empty() {
                    return Err(err(Reason::Malformed(format!("{id} has an empty type"))));
                }
                let mut arguments = Vec::new();
                for field in fields {
                    let Some(arg) = field.rsplit_once(':').filter(|(role, _)| !role.is_empty())
                    else {
                        return Err(err(Reason::Malformed(format!(
                            "{id}: argument {field:?} is not ROLE:ID"
                        ))));
                    };
                    arguments.push(arg);
                }
                events.push(RawEvent {
                    id,
                    event_type,
                    trigger,
                    arguments,
                    line: line_no,
                });
            }
            Some('R') => {
                let fields: Vec<&str> = rest.split_whitespace().collect();
                let [relation_type, arg1, arg2] = fields[..] else {
                    return Err(err(if fields.len() < 3 {
                        Reason::Truncated(format!("{id} needs a type and two arguments"))
                    } else {
                        Reason::Malformed(format!("{id} has more than two arguments"))
                    }));
                };
                let (Some(from), Some(to)) = (arg1.split_once(':'), arg2.split_once(':')) else {
                    return Err(err(Reason::Malformed(format!(
                        "{id}: arguments {arg1:?} {arg2:?} are not ROLE:ID"
                    ))));
                };
                relations.push(RawRelation {
                    id,
                    relation_type,
                    args: [from, to],
                    line: line_no,
                });
            }
            Some('A' | 'M' | 'N' | '#' | '*') => extras.push((line_no, line)),
            _ => {
                return Err(err(Reason::Malformed(format!(
                    "unknown annotation id {id:?} (brat ids start with T, E, R, A, M, N, # or *)"
                ))));
            }
        }
    }

    let triggers: HashSet<&str> = events.iter().map(|e| e.trigger).collect();
    let event_ids: HashSet<&str> = events.iter().map(|e| e.id).collect();
    let is_entity = |id: &str| text_bounds.contains_key(id) && !triggers.contains(id);
    // Where an id is used as an entity, it must be one (not a trigger).
    let entity_ref = |id: &str, by: &str, line: usize| -> Result<EntityId, ExchangeError> {
        if is_entity(id) {
            number(id).map(EntityId).map_err(|r| err(line, r))
        } else if triggers.contains(id) {
            Err(err(
                line,
                Reason::Malformed(format!(
                    "{by} points to {id}, the trigger of an event; point to the event (E…) instead"
                )),
            ))
        } else {
            Err(err(
                line,
                Reason::UnknownId {
                    id: id.to_owned(),
                    by: by.to_owned(),
                },
            ))
        }
    };

    // Status and score lines set what they point to; the rest is kept as it is.
    let mut statuses: HashMap<&str, Status> = HashMap::new();
    let mut scores: HashMap<&str, f32> = HashMap::new();
    let mut kept_extras: Vec<&str> = Vec::new();
    for &(line_no, line) in &extras {
        let targets = extra_targets(line);
        if targets.is_empty() {
            return Err(err(
                line_no,
                Reason::Truncated("expected a type and the id it applies to".to_owned()),
            ));
        }
        let by = line.split('\t').next().unwrap_or_default();
        for &target in &targets {
            let known = text_bounds.contains_key(target)
                || event_ids.contains(target)
                || relations.iter().any(|r| r.id == target);
            if !known {
                return Err(err(
                    line_no,
                    Reason::UnknownId {
                        id: target.to_owned(),
                        by: by.to_owned(),
                    },
                ));
            }
        }
        if targets.iter().any(|t| triggers.contains(t)) {
            *tally
                .entry("attribute or note line(s) about a trigger (T) rather than its event (E) not imported")
                .or_insert(0) += 1;
            continue;
        }
        let annotation = line.split('\t').nth(1).unwrap_or_default();
        let fields: Vec<&str> = annotation.split_whitespace().collect();
        match (line.starts_with('A'), &fields[..]) {
            (true, &["Status", target, value @ ("Suggested" | "Accepted")]) => {
                let status = if value == "Suggested" {
                    Status::Suggested
                } else {
                    Status::Accepted
                };
                statuses.insert(target, status);
            }
            (true, &["Score", target, value]) if value.parse::<f32>().is_ok_and(f32::is_finite) => {
                scores.insert(target, value.parse().unwrap_or_default());
            }
            _ => kept_extras.push(line),
        }
    }
    if !kept_extras.is_empty() {
        *tally
            .entry("attribute, normalisation, note or equivalence line(s) kept in the document meta and written back by the brat export")
            .or_insert(0) += kept_extras.len();
    }

    let source = file_name(ann_path);
    let origin_of = |id: &str| match scores.get(id) {
        Some(&score) => Origin::Auto {
            engine: "brat".into(),
            rule: source.as_str().into(),
            score,
        },
        None => Origin::Imported {
            source: source.clone(),
        },
    };
    let status_of = |id: &str| statuses.get(id).copied().unwrap_or(Status::Accepted);
    let known_labels = options
        .schema
        .into_iter()
        .flat_map(|s| s.entity_labels.iter().map(|l| l.name.as_str()));
    let mut entities = Vec::new();
    for id in t_order.iter().filter(|id| is_entity(id)) {
        let bound = &text_bounds[id];
        entities.push(Entity {
            id: EntityId(number(id).map_err(|r| err(bound.line, r))?),
            span: bound.span,
            label: resolve_name(bound.label, known_labels.clone(), brat_name),
            origin: origin_of(id),
            status: status_of(id),
        });
    }
    let known_types = options
        .schema
        .into_iter()
        .flat_map(|s| s.event_types.iter().map(|t| t.name.as_str()));
    let mut model_events = Vec::new();
    for event in &events {
        let line = event.line;
        let Some(trigger) = text_bounds.get(event.trigger) else {
            return Err(err(
                line,
                Reason::UnknownId {
                    id: event.trigger.to_owned(),
                    by: event.id.to_owned(),
                },
            ));
        };
        let event_type = resolve_name(event.event_type, known_types.clone(), brat_name);
        let schema_type = options
            .schema
            .and_then(|s| s.event_type(&event_type))
            .or_else(|| conf.and_then(|c| c.event_type(event.event_type)));
        let mut arguments: Vec<Argument> = Vec::new();
        for &(role, target_id) in &event.arguments {
            let target = if event_ids.contains(target_id) {
                ArgTarget::Event(EventId(number(target_id).map_err(|r| err(line, r))?))
            } else {
                ArgTarget::Entity(entity_ref(target_id, event.id, line)?)
            };
            let role = base_role(role, &arguments, schema_type);
            arguments.push(Argument { role, target });
        }
        model_events.push(Event {
            id: EventId(number(event.id).map_err(|r| err(line, r))?),
            event_type,
            trigger: trigger.span,
            arguments,
            origin: origin_of(event.id),
            status: status_of(event.id),
        });
    }
    let known_relations = options
        .schema
        .into_iter()
        .flat_map(|s| s.relation_types.iter().map(|t| t.name.as_str()));
    let mut model_relations = Vec::new();
    for relation in &relations {
        let [(role1, from), (role2, to)] = relation.args;
        if (role1, role2) != ("Arg1", "Arg2") {
            *tally
                .entry("relation(s) whose roles are not Arg1, Arg2: read as from, to; role names not kept")
                .or_insert(0) += 1;
        }
        model_relations.push(Relation {
            id: RelationId(number(relation.id).map_err(|r| err(relation.line, r))?),
            relation_type: resolve_name(relation.relation_type, known_relations.clone(), brat_name),
            from: entity_ref(from, relation.id, relation.line)?,
            to: entity_ref(to, relation.id, relation.line)?,
            origin: origin_of(relation.id),
            status: status_of(relation.id),
        });
    }

    let txt_path = ann_path.with_extension("txt");
    let mut meta = BTreeMap::new();
    if !kept_extras.is_empty() {
        meta.insert(EXTRA_META_KEY.to_owned(), kept_extras.join("\n"));
    }
    let document = Document::new(
        file_stem(ann_path),
        file_name(&txt_path),
        Some(Source {
            path: txt_path,
            format: SourceFormat::PlainText,
        }),
        text,
    )
    .with_annotations(entities, model_events, model_relations)
    .with_meta(meta);
    Ok((document, tally))
}

/// A role without the number brat adds to a repeated one (`Org-Arg2` -> `Org-Arg`): removed
/// when the event already has the base role, or its type has the base role and not this one.
fn base_role(role: &str, earlier: &[Argument], event_type: Option<&EventType>) -> String {
    let base = role.trim_end_matches(|c: char| c.is_ascii_digit());
    if base.is_empty() || base == role {
        return role.to_owned();
    }
    let seen = earlier.iter().any(|a| a.role == base);
    let typed = event_type.is_some_and(|t| t.role(base).is_some() && t.role(role).is_none());
    if seen || typed {
        base.to_owned()
    } else {
        role.to_owned()
    }
}

/// Colours for types from `annotation.conf` (brat keeps colours in `visual.conf`).
const PALETTE: [Rgb; 8] = [
    Rgb([0x8e, 0xca, 0xe6]),
    Rgb([0xf4, 0xa2, 0x61]),
    Rgb([0x90, 0xbe, 0x6d]),
    Rgb([0xcd, 0xb4, 0xdb]),
    Rgb([0xff, 0xd1, 0x66]),
    Rgb([0xf2, 0x84, 0x82]),
    Rgb([0xa8, 0xda, 0xdc]),
    Rgb([0xe9, 0xc4, 0x6a]),
];

/// How many attribute types `annotation.conf` defines.
fn attribute_count(content: &str) -> usize {
    let mut section = "";
    let mut count = 0;
    for line in content.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = if name == "attributes" {
                "attributes"
            } else {
                ""
            };
        } else if section == "attributes" && !line.is_empty() && !line.starts_with('#') {
            count += 1;
        }
    }
    count
}

/// A role's name and count from `Role?`, `Role*`, `Role+`, `Role{2}`, `Role{0-3}`.
fn role_count(role: &str) -> (&str, Cardinality) {
    if let Some(name) = role.strip_suffix('?') {
        return (name, Cardinality::ZeroOrOne);
    }
    if let Some(name) = role.strip_suffix('*') {
        return (name, Cardinality::ZeroOrMore);
    }
    if let Some(name) = role.strip_suffix('+') {
        return (name, Cardinality::OneOrMore);
    }
    if let Some((name, range)) = role.strip_suffix('}').and_then(|r| r.split_once('{')) {
        let (min, max) = match range.split_once('-') {
            Some((min, max)) => (min.parse().unwrap_or(0), max.parse().unwrap_or(usize::MAX)),
            None => {
                let n = range.parse().unwrap_or(1);
                (n, n)
            }
        };
        // The model has four counts; a range maps to the nearest that allows it.
        let count = match (min, max) {
            (0, 1) => Cardinality::ZeroOrOne,
            (0, _) => Cardinality::ZeroOrMore,
            (1, 1) => Cardinality::ExactlyOne,
            _ => Cardinality::OneOrMore,
        };
        return (name, count);
    }
    (role, Cardinality::ExactlyOne)
}

/// Reads brat's `annotation.conf`: `[entities]`, `[relations]` and `[events]` (hierarchy by
/// TAB indentation, `!Type` for grouping only, `<MACRO>=A|B` definitions, `<ENTITY>` and
/// `<ANY>` for any entity, `<EVENT>` for any event type). `[attributes]` has no counterpart in
/// the schema. Names the project schema spells differently (`:` for brat's `_`) are mapped
/// back to it.
pub fn parse_annotation_conf(
    path: &Path,
    content: &str,
    options: &ImportOptions,
) -> Result<Schema, ExchangeError> {
    let mut macros: HashMap<&str, &str> = HashMap::new();
    for line in content.lines() {
        if let Some((name, value)) = line.trim().split_once('=')
            && name.starts_with('<')
            && name.ends_with('>')
        {
            macros.insert(name, value.trim());
        }
    }
    let known: Vec<&str> = options
        .schema
        .into_iter()
        .flat_map(|s| {
            s.entity_labels
                .iter()
                .map(|l| l.name.as_str())
                .chain(s.event_types.iter().map(|t| t.name.as_str()))
                .chain(s.relation_types.iter().map(|t| t.name.as_str()))
        })
        .collect();
    let resolve = |name: &str| resolve_name(name, known.iter().copied(), brat_name);
    /// A type list: names, or `None` for `<EVENT>` (every event type, known at the end).
    fn types<'a>(list: &'a str, macros: &HashMap<&str, &'a str>) -> Vec<Option<&'a str>> {
        let list = macros.get(list.trim()).copied().unwrap_or(list);
        list.split('|')
            .map(str::trim)
            .flat_map(|t| match macros.get(t) {
                Some(expanded) => expanded.split('|').map(str::trim).collect::<Vec<_>>(),
                None => vec![t],
            })
            .filter_map(|t| match t {
                "<ENTITY>" | "<ANY>" | "" => None,
                "<EVENT>" => Some(None),
                name => Some(Some(name)),
            })
            .collect()
    }
    let mut schema = Schema {
        name: file_stem(path.parent().unwrap_or(path)),
        entity_labels: Vec::new(),
        event_types: Vec::new(),
        relation_types: Vec::new(),
    };
    let mut pending_roles: Vec<(usize, usize, Vec<Option<&str>>)> = Vec::new();
    let mut section = "";
    let mut colours = PALETTE.iter().cycle();
    for (i, raw) in content.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = match name {
                "entities" => "entities",
                "relations" => "relations",
                "events" => "events",
                _ => "",
            };
            continue;
        }
        if line.starts_with('!') || line.starts_with('<') && line.contains('=') {
            continue; // grouping-only types and macro definitions
        }
        let (name, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(n, r)| (n, r.trim()));
        if name.starts_with('<') {
            continue; // <OVERLAP> and other options
        }
        let color = *colours.next().unwrap_or(&PALETTE[0]);
        let args: Vec<&str> = rest
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty() && !a.starts_with('<'))
            .collect();
        let bad = |message: String| {
            ExchangeError::invalid(path, Location::Line(i + 1), Reason::Malformed(message))
        };
        match section {
            "entities" => schema.entity_labels.push(EntityLabel {
                name: resolve(name),
                description: String::new(),
                color,
                hotkey: None,
            }),
            "relations" => {
                let mut ends = args.iter().map(|a| {
                    a.split_once(':')
                        .map(|(_, t)| {
                            types(t, &macros)
                                .into_iter()
                                .flatten()
                                .map(resolve)
                                .collect::<Vec<_>>()
                        })
                        .ok_or_else(|| bad(format!("{name}: argument {a:?} is not ROLE:TYPES")))
                });
                let from = ends.next().transpose()?.unwrap_or_default();
                let to = ends.next().transpose()?.unwrap_or_default();
                schema.relation_types.push(RelationType {
                    name: resolve(name),
                    description: String::new(),
                    from,
                    to,
                });
            }
            "events" => {
                let mut roles = Vec::new();
                for arg in args {
                    let Some((role, list)) = arg.split_once(':') else {
                        return Err(bad(format!("{name}: argument {arg:?} is not ROLE:TYPES")));
                    };
                    let (role, count) = role_count(role);
                    pending_roles.push((
                        schema.event_types.len(),
                        roles.len(),
                        types(list, &macros),
                    ));
                    roles.push(Role {
                        name: role.to_owned(),
                        labels: Vec::new(),
                        count,
                    });
                }
                schema.event_types.push(EventType {
                    name: resolve(name),
                    description: String::new(),
                    color,
                    roles,
                });
            }
            _ => {}
        }
    }
    let event_names: Vec<String> = schema.event_types.iter().map(|t| t.name.clone()).collect();
    for (t, r, list) in pending_roles {
        let labels: Vec<String> = list
            .into_iter()
            .flat_map(|name| match name {
                Some(name) => vec![resolve(name)],
                None => event_names.clone(),
            })
            .collect();
        schema.event_types[t].roles[r].labels = labels;
    }
    Ok(schema)
}
