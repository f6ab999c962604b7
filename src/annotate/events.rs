//! Event triggers from the trigger lexicon, filtered by context, and their arguments linked to
//! the entities of the same sentence by the role's allowed labels, position and prepositions.

use std::borrow::Cow;

use super::entities::Candidate;
use super::lexicon::{FastMap, Lexicon, Trigger, flag, intern};
use super::tokens::{Case, TokenKind};
use super::{Doc, ProposedArgument, ProposedEvent};
use crate::model::Schema;

/// Roles of each event type with the labels they accept, from the schema.
pub(crate) struct RoleTable {
    types: FastMap<&'static str, Roles>,
}

/// One event type's roles: names and the labels each accepts, interned so that arguments
/// carry them without allocating.
#[derive(Default)]
struct Roles(Vec<(&'static str, Vec<&'static str>)>);

impl RoleTable {
    pub(crate) fn new(schema: &Schema) -> Self {
        let types = schema
            .event_types
            .iter()
            .map(|t| {
                let roles = t
                    .roles
                    .iter()
                    .map(|r| {
                        (
                            intern(&r.name),
                            r.labels.iter().map(|l| intern(l)).collect(),
                        )
                    })
                    .collect();
                (intern(&t.name), Roles(roles))
            })
            .collect();
        Self { types }
    }
}

impl RoleTable {
    pub(crate) fn knows(&self, event_type: &str) -> bool {
        self.types.contains_key(event_type)
    }
}

impl Roles {
    /// The role named `role`, if it accepts `label`.
    fn accepts(&self, role: &str, label: &str) -> bool {
        self.0
            .iter()
            .any(|(name, labels)| *name == role && labels.contains(&label))
    }

    /// The first participant role (not time, place or value) taking `label`.
    fn participant_for(&self, label: &str) -> Option<&'static str> {
        self.0.iter().find_map(|&(name, ref labels)| {
            let participant = !matches!(
                name,
                "Time" | "Place" | "Origin" | "Destination" | "Money" | "Price"
            );
            (participant && labels.contains(&label)).then_some(name)
        })
    }
}

/// Nouns after which `meeting` is a verb (`meeting expectations`), not an event.
const MEETING_OBJECTS: &[&str] = &[
    "expectations",
    "targets",
    "target",
    "demand",
    "needs",
    "goals",
    "standards",
    "requirements",
    "deadlines",
    "deadline",
    "obligations",
    "criteria",
    "estimates",
    "forecasts",
    "the",
    "its",
    "their",
];

/// Words before `attack` that make it medical, not a conflict.
const NOT_ATTACK: &[&str] = &["heart", "panic", "asthma", "anxiety"];

/// Auxiliaries that make a following past participle passive.
const PASSIVE_AUX: &[&str] = &["was", "were", "been", "be", "is", "are", "being", "got"];

/// Triggers whose grammatical subject is what the event happens to (`Yoon died`).
const INTRANSITIVE: &[&str] = &["die", "dies", "died", "dying", "dead", "death", "deaths"];

/// Which participant role the subject and the object of an active clause fill; `None` lets the
/// entity's label choose ([`RoleTable::participant_for`]).
fn subject_object(event_type: &str, trigger: &str) -> (Option<&'static str>, Option<&'static str>) {
    match event_type {
        "Contact:Meet" | "Contact:Phone-Write" | "Conflict:Demonstrate" => {
            (Some("Entity"), Some("Entity"))
        }
        "Movement:Transport" => (Some("Artifact"), Some("Artifact")),
        "Transaction:Transfer-Ownership" if trigger.starts_with("sel") || trigger == "sold" => {
            (Some("Seller"), Some("Artifact"))
        }
        "Transaction:Transfer-Ownership" => (Some("Buyer"), Some("Artifact")),
        "Transaction:Transfer-Money" => (Some("Giver"), Some("Recipient")),
        "Business:Merge-Org" | "Business:End-Org" | "Business:Declare-Bankruptcy" => {
            (Some("Org"), Some("Org"))
        }
        "Business:Start-Org" => (Some("Agent"), Some("Org")),
        "Conflict:Attack" => (Some("Attacker"), Some("Target")),
        "Life:Die" | "Life:Injure" if INTRANSITIVE.contains(&trigger) => {
            (Some("Victim"), Some("Victim"))
        }
        "Life:Die" | "Life:Injure" => (Some("Agent"), Some("Victim")),
        "Justice:Sue" => (Some("Plaintiff"), Some("Defendant")),
        _ => (None, None),
    }
}

/// A kept entity as the argument linker sees it.
struct Mention {
    index: usize,
    start: usize,
    end: usize,
    label: &'static str,
    /// The label's class: [`TIME`], [`MONEY`], [`PLACE`] or none.
    class: u8,
    /// The word before the entity, past articles and titles (`with Trade Minister X`), as
    /// one of the [`prep`] bits if it is a preposition the linker reads, else 0.
    prep: u32,
}

/// The prepositions the argument linker reads, one bit each, so that its many tests of a
/// mention's preposition compare integers.
mod prep {
    pub const IN: u32 = 1;
    pub const AT: u32 = 1 << 1;
    pub const ON: u32 = 1 << 2;
    pub const TO: u32 = 1 << 3;
    pub const FOR: u32 = 1 << 4;
    pub const INTO: u32 = 1 << 5;
    pub const TOWARD: u32 = 1 << 6;
    pub const FROM: u32 = 1 << 7;
    pub const NEAR: u32 = 1 << 8;
    pub const INSIDE: u32 = 1 << 9;
    pub const OUTSIDE: u32 = 1 << 10;
    pub const OF: u32 = 1 << 11;
    pub const WITH: u32 = 1 << 12;
    pub const BETWEEN: u32 = 1 << 13;
    pub const AMONG: u32 = 1 << 14;
    pub const INVOLVING: u32 = 1 << 15;
    pub const BY: u32 = 1 << 16;

    pub fn of(word: &str) -> u32 {
        match word {
            "in" => IN,
            "at" => AT,
            "on" => ON,
            "to" => TO,
            "for" => FOR,
            "into" => INTO,
            "toward" | "towards" => TOWARD,
            "from" => FROM,
            "near" => NEAR,
            "inside" => INSIDE,
            "outside" => OUTSIDE,
            "of" => OF,
            "with" => WITH,
            "between" => BETWEEN,
            "among" => AMONG,
            "involving" => INVOLVING,
            "by" => BY,
            _ => 0,
        }
    }
}

const TIME: u8 = 1;
const MONEY: u8 = 1 << 1;
const PLACE: u8 = 1 << 2;

fn class_of(label: &str) -> u8 {
    match label {
        "DATE" | "TIME" => TIME,
        "MONEY" => MONEY,
        "GPE" | "LOC" | "FAC" => PLACE,
        _ => 0,
    }
}

/// [`Mention::prep`] of an entity starting at token `start`.
fn prep_of(doc: &Doc, start: usize) -> u32 {
    let mut k = start;
    while k > 0
        && (matches!(doc.word(k - 1), "the" | "a" | "an" | "about")
            || doc.infos[k - 1].has(flag::TITLE)
            || doc.tokens[k - 1].case == Case::Title && doc.infos[k - 1].flags == 0)
    {
        k -= 1;
    }
    k.checked_sub(1).map_or(0, |p| prep::of(doc.word(p)))
}

/// A trigger over tokens `[start, end)`, from the lexicon or from a project's model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TriggerHit {
    pub start: usize,
    pub end: usize,
    pub event_type: &'static str,
    /// Nouns take their participants with a preposition (`talks with X`).
    pub noun: bool,
    pub rule: &'static str,
    pub score: f32,
}

/// The triggers the lexicon finds in `doc` and the context filters keep, sorted by start.
pub(crate) fn rule_triggers(
    doc: &Doc,
    lexicon: &Lexicon,
    entities: &[Candidate],
) -> Vec<TriggerHit> {
    let mut hits = Vec::new();
    let mut mentions: Vec<Mention> = Vec::new();
    for sentence in &doc.sentences {
        let range = sentence.tokens.clone();
        let mut gathered = false;
        let mut i = range.start;
        while i < range.end {
            let info = doc.infos[i];
            let trigger_ok = info.triggers != 0
                && doc.tokens[i].kind == TokenKind::Word
                && doc.tokens[i].case != Case::Upper
                && entity_at(entities, i).is_none_or(|e| e.label == "EVENT");
            let matched = trigger_ok
                .then(|| {
                    lexicon.triggers[usize::from(info.triggers) - 1]
                        .iter()
                        .find(|t| rest_matches(doc, i, t, range.end))
                })
                .flatten();
            let Some(trigger) = matched else {
                i += 1;
                continue;
            };
            let end = i + 1 + trigger.rest.len();
            if !gathered {
                gather(doc, entities, range.clone(), &mut mentions);
                gathered = true;
            }
            if keeps(doc, i, trigger, &mentions) {
                hits.push(TriggerHit {
                    start: i,
                    end,
                    event_type: trigger.event_type,
                    noun: trigger.noun,
                    rule: if trigger.noun {
                        "trigger-noun"
                    } else {
                        "trigger"
                    },
                    score: trigger.score,
                });
            }
            i = end;
        }
    }
    hits
}

/// The entity covering token `i`, if any (`entities` are sorted and do not overlap).
fn entity_at(entities: &[Candidate], i: usize) -> Option<&Candidate> {
    let n = entities.partition_point(|e| e.end <= i);
    entities.get(n).filter(|e| e.start <= i)
}

/// One event per trigger (`triggers` sorted by start), its arguments linked to the
/// `entities` of its sentence and pointing into them.
pub(crate) fn link(
    doc: &Doc,
    table: &RoleTable,
    entities: &[Candidate],
    triggers: &[TriggerHit],
) -> Vec<ProposedEvent> {
    let no_roles = Roles::default();
    let mut events = Vec::with_capacity(triggers.len());
    // The current sentence's entities and which of them an event's arguments use: one
    // allocation each for the whole text.
    let mut mentions: Vec<Mention> = Vec::new();
    let mut used: Vec<bool> = Vec::new();
    let mut next = 0;
    for sentence in &doc.sentences {
        let range = sentence.tokens.clone();
        let first = next;
        while next < triggers.len() && triggers[next].start < range.end {
            next += 1;
        }
        if first == next {
            continue;
        }
        gather(doc, entities, range, &mut mentions);
        for hit in &triggers[first..next] {
            let roles = table.types.get(hit.event_type).unwrap_or(&no_roles);
            used.clear();
            used.resize(mentions.len(), false);
            let arguments = arguments(doc, roles, hit, &mentions, &mut used);
            events.push(ProposedEvent {
                trigger: doc.span(hit.start, hit.end),
                event_type: hit.event_type,
                rule: hit.rule,
                score: hit.score,
                arguments,
            });
        }
    }
    events
}

/// The entities within tokens `range`, as the argument linker sees them, into `mentions`.
fn gather(
    doc: &Doc,
    entities: &[Candidate],
    range: std::ops::Range<usize>,
    mentions: &mut Vec<Mention>,
) {
    let first_entity = entities.partition_point(|e| e.start < range.start);
    mentions.clear();
    mentions.extend(
        entities[first_entity..]
            .iter()
            .take_while(|e| e.end <= range.end)
            .enumerate()
            .map(|(k, e)| Mention {
                index: first_entity + k,
                start: e.start,
                end: e.end,
                label: e.label,
                class: class_of(e.label),
                prep: prep_of(doc, e.start),
            }),
    );
}

fn rest_matches(doc: &Doc, i: usize, trigger: &Trigger, end: usize) -> bool {
    i + 1 + trigger.rest.len() <= end
        && trigger
            .rest
            .iter()
            .enumerate()
            .all(|(k, w)| doc.word(i + 1 + k).eq_ignore_ascii_case(w))
}

/// Context filters that keep false triggers out.
fn keeps(doc: &Doc, i: usize, trigger: &Trigger, mentions: &[Mention]) -> bool {
    let word = doc.word(i);
    let prev = i.checked_sub(1).map(|p| (doc.word(p), doc.infos[p]));
    let next = doc.word(i + 1);
    let has = |labels: &[&str]| mentions.iter().any(|m| labels.contains(&m.label));
    if trigger.noun {
        // `he talks`, `she visits`: a verb of speaking or visiting, not the event noun.
        if prev.is_some_and(|(w, info)| info.has(flag::PRONOUN) && w != "that" && w != "which") {
            return false;
        }
        if word.eq_ignore_ascii_case("talks") && matches!(next, "to" | "about") {
            return false;
        }
    }
    if word.eq_ignore_ascii_case("meeting") && MEETING_OBJECTS.contains(&next) {
        return false;
    }
    let attack = word
        .as_bytes()
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"attack"));
    if attack && prev.is_some_and(|(w, _)| NOT_ATTACK.contains(&w)) {
        return false;
    }
    match trigger.event_type {
        // `on leave`, `returned the call`: movement needs a place to move to or from.
        "Movement:Transport" => mentions.iter().any(|m| m.class == PLACE),
        "Transaction:Transfer-Money" => has(&["MONEY"]),
        "Transaction:Transfer-Ownership" => has(&["ORG", "MONEY"]),
        "Personnel:Start-Position" | "Personnel:End-Position" | "Personnel:Nominate" => {
            has(&["PER"])
        }
        _ => true,
    }
}

/// Links the sentence's entities to the event's roles; `used`, one flag per mention, starts
/// all false.
fn arguments(
    doc: &Doc,
    roles: &Roles,
    trigger: &TriggerHit,
    mentions: &[Mention],
    used: &mut [bool],
) -> Vec<ProposedArgument> {
    let (start, end) = (trigger.start, trigger.end);
    let event_type = trigger.event_type;
    let mut args: Vec<ProposedArgument> = Vec::new();
    let mut push = |role: &'static str, m: usize, used: &mut [bool]| {
        used[m] = true;
        args.push(ProposedArgument {
            role,
            entity: mentions[m].index,
        });
    };
    // Closest first, and after the trigger before before it: `will meet X at 10 a.m.`.
    let rank = |m: &Mention| {
        if m.start >= end {
            (m.start - end, 0)
        } else {
            (start.saturating_sub(m.end), 1)
        }
    };
    // Most sentences lack some class (no MONEY, no place): skip their searches outright.
    let classes = mentions.iter().fold(0, |classes, m| classes | m.class);
    let closest = |class: u8, preps: Option<u32>, used: &[bool]| {
        let searched = if classes & class == 0 {
            0..0
        } else {
            0..mentions.len()
        };
        searched
            .filter(|&m| !used[m] && mentions[m].class == class)
            .filter(|&m| preps.is_none_or(|p| mentions[m].prep & p != 0))
            .min_by_key(|&m| {
                let (distance, side) = rank(&mentions[m]);
                (side, distance)
            })
            .filter(|&m| rank(&mentions[m]).0 <= 12)
    };
    if let Some(m) = closest(TIME, None, used)
        && roles.accepts("Time", mentions[m].label)
    {
        push("Time", m, used);
    }
    for role in ["Money", "Price"] {
        if let Some(m) = closest(MONEY, None, used)
            && roles.accepts(role, "MONEY")
        {
            push(role, m, used);
        }
    }
    let trigger_word = match doc.tokens[start].case {
        Case::Lower => Cow::Borrowed(doc.word(start)),
        _ => Cow::Owned(doc.word(start).to_lowercase()),
    };
    let leaving = ["depart", "leav", "left", "evacuat", "fled", "flee"]
        .iter()
        .any(|w| trigger_word.starts_with(w));
    // Without a Place role (Transport), `arrive in X` names the destination.
    let has_place = roles.accepts("Place", "GPE");
    let arrival_preps = if has_place {
        prep::TO | prep::FOR | prep::INTO | prep::TOWARD
    } else {
        prep::TO | prep::FOR | prep::INTO | prep::TOWARD | prep::IN | prep::AT
    };
    for (role, preps) in [
        ("Destination", arrival_preps),
        ("Origin", prep::FROM),
        (
            "Place",
            prep::IN | prep::AT | prep::NEAR | prep::INSIDE | prep::OUTSIDE | prep::ON,
        ),
    ] {
        if let Some(m) = closest(PLACE, Some(preps), used)
            && roles.accepts(role, mentions[m].label)
        {
            push(role, m, used);
        }
    }
    // `depart London`, `visit Seoul`: a place right after a movement verb.
    let moving = roles.accepts("Destination", "GPE");
    if moving
        && let Some(m) = (0..mentions.len())
            .find(|&m| !used[m] && mentions[m].class == PLACE && mentions[m].start == end)
    {
        push(if leaving { "Origin" } else { "Destination" }, m, used);
    }
    // Participants: the subject before the trigger, the object after it.
    let passive = start > 0
        && PASSIVE_AUX.contains(&doc.word(start - 1))
        && (trigger_word.ends_with("ed") || trigger_word == "sworn");
    let (mut subject_role, mut object_role) = subject_object(event_type, &trigger_word);
    if passive {
        std::mem::swap(&mut subject_role, &mut object_role);
    }
    // Movement's places are origins and destinations, never who moves.
    let eligible =
        |m: &Mention| !(moving && m.class == PLACE) && roles.participant_for(m.label).is_some();
    let subject = (0..mentions.len())
        .filter(|&m| !used[m] && eligible(&mentions[m]) && mentions[m].end <= start)
        .filter(|&m| start - mentions[m].end <= 12)
        .filter(|&m| {
            let place_or_object =
                prep::IN | prep::AT | prep::ON | prep::TO | prep::FROM | prep::OF | prep::FOR;
            mentions[m].prep & place_or_object == 0
        })
        .max_by_key(|&m| mentions[m].end);
    // A noun's participants come with a preposition (`talks with X`); a verb's object is
    // the next entity of its clause (no comma between).
    let object = (0..mentions.len())
        .filter(|&m| !used[m] && eligible(&mentions[m]) && mentions[m].start >= end)
        .min_by_key(|&m| mentions[m].start)
        .filter(|&m| mentions[m].start - end <= 10)
        .filter(|&m| !(end..mentions[m].start).any(|k| doc.word(k) == ","))
        .filter(|&m| {
            let participant =
                prep::WITH | prep::BETWEEN | prep::AMONG | prep::INVOLVING | prep::OF | prep::BY;
            !trigger.noun || mentions[m].prep & participant != 0
        });
    for (chosen, preferred, forward) in
        [(subject, subject_role, false), (object, object_role, true)]
    {
        let Some(first) = chosen else {
            continue;
        };
        // The entity and those joined to it by `and`, `or` and commas.
        let mut group = vec![first];
        let mut edge = first;
        loop {
            let neighbour = if forward {
                edge + 1
            } else {
                edge.wrapping_sub(1)
            };
            let Some(next) = mentions.get(neighbour) else {
                break;
            };
            let (gap_start, gap_end) = if forward {
                (mentions[edge].end, next.start)
            } else {
                (next.end, mentions[edge].start)
            };
            let joined = gap_end > gap_start
                && (gap_start..gap_end).all(|k| matches!(doc.word(k), "," | "and" | "or"));
            if !joined || used[neighbour] || !eligible(next) {
                break;
            }
            group.push(neighbour);
            edge = neighbour;
        }
        for m in group {
            let label = mentions[m].label;
            let role = preferred
                .filter(|r| roles.accepts(r, label))
                .or_else(|| roles.participant_for(label));
            if let Some(role) = role {
                push(role, m, used);
            }
        }
    }
    args.sort_by_key(|a| a.entity);
    args
}
