//! Entity recognisers and the one conflict-resolution step.
//!
//! Every recogniser adds [`Candidate`]s over token ranges; [`resolve`] keeps a set of
//! non-overlapping ones. Recognisers, by priority:
//! 4. the project dictionary;
//! 3. values: DATE, TIME, MONEY, PERCENT, and caption credits (`[REUTERS]`);
//! 2. gazetteer names, and capitalised sequences with evidence: a title before the name,
//!    a head word (`… Bank`, `Ministry of …`), a known first name, a Korean-style given name,
//!    a surname or name already found in the document;
//! 1. capitalised sequences with weak evidence only (context words, shape).

use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, Input};

use super::Doc;
use super::lexicon::{FastMap, Label, Lexicon, WordInfo, flag, hash_word};
use super::tokens::{Case, Gap, Sentence, TokenKind};

/// A proposed entity over tokens `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub label: &'static str,
    pub rule: &'static str,
    pub score: f32,
    pub priority: u8,
}

impl Candidate {
    fn new(
        range: (usize, usize),
        label: &'static str,
        rule: &'static str,
        score: f32,
        priority: u8,
    ) -> Self {
        Self {
            start: range.0,
            end: range.1,
            label,
            rule,
            score,
            priority,
        }
    }
}

/// The overlap policy: no two proposed entities share a token. Higher priority wins, then the
/// longer span, then the higher score, then the earlier start, then the earlier rule. Nested
/// names ("Korea" inside "Korea International Trade Association") therefore yield the outer
/// one only.
///
/// Applied greedily in that order, the policy only ever compares candidates that overlap, so
/// it runs per cluster of overlapping candidates: the candidates are bucketed by start (no
/// comparison sort over the whole text), and most clusters hold one candidate.
pub(crate) fn resolve(candidates: &mut Vec<Candidate>, buffers: &mut ResolveBuffers) {
    let ResolveBuffers {
        by_start,
        order,
        cluster,
        taken,
        kept,
    } = buffers;
    // Empty spans can never be proposed.
    candidates.retain(|c| c.start < c.end);
    // Counting sort by start; equal starts keep the rules' order.
    by_start.clear();
    by_start.resize(token_count(candidates) + 1, 0);
    for c in candidates.iter() {
        by_start[c.start] += 1;
    }
    let mut sum = 0;
    for slot in by_start.iter_mut() {
        (*slot, sum) = (sum, sum + *slot);
    }
    order.clear();
    order.resize(candidates.len(), 0);
    for (index, c) in candidates.iter().enumerate() {
        order[by_start[c.start] as usize] = index as u32;
        by_start[c.start] += 1;
    }
    kept.clear();
    let mut k = 0;
    while k < order.len() {
        let first = candidates[order[k] as usize];
        let (mut end, mut j) = (first.end, k + 1);
        while let Some(&next) = order.get(j)
            && candidates[next as usize].start < end
        {
            end = end.max(candidates[next as usize].end);
            j += 1;
        }
        if j == k + 1 {
            kept.push(first);
        } else {
            resolve_cluster(
                candidates,
                &order[k..j],
                (first.start, end),
                cluster,
                taken,
                kept,
            );
        }
        k = j;
    }
    std::mem::swap(candidates, kept);
}

/// The policy applied to one cluster: `members` (indexes into `candidates`, by start) covering
/// tokens `[start, end)`. Pushes the kept ones to `kept` in text order.
fn resolve_cluster(
    candidates: &[Candidate],
    members: &[u32],
    (start, end): (usize, usize),
    keys: &mut Vec<u128>,
    taken: &mut Vec<bool>,
    kept: &mut Vec<Candidate>,
) {
    // One packed key per candidate, ordered as the policy ranks them, so that the sort compares
    // integers. Fields saturate rather than wrap: only texts of billions of tokens could reach
    // the limits.
    keys.clear();
    keys.extend(members.iter().map(|&index| {
        let c = &candidates[index as usize];
        let field = |v: usize, bits: u32| (v as u128).min((1 << bits) - 1);
        let longest_first = 0xff_ffff - field(c.end - c.start, 24);
        // Scores are in [0, 1], so their bits order like the numbers.
        (u128::from(!c.priority) << 120)
            | (longest_first << 96)
            | (u128::from(!c.score.to_bits()) << 64)
            | (field(c.start, 32) << 32)
            | u128::from(index)
    }));
    keys.sort_unstable();
    taken.clear();
    taken.resize(end - start, false);
    let first_kept = kept.len();
    for &key in keys.iter() {
        let c = candidates[(key & 0xffff_ffff) as usize];
        let range = &mut taken[c.start - start..c.end - start];
        if !range.iter().any(|&t| t) {
            range.fill(true);
            kept.push(c);
        }
    }
    // Kept spans do not overlap, so their starts differ.
    kept[first_kept..].sort_unstable_by_key(|c| c.start);
}

/// The tokens a set of candidates spans: the end of the last one.
fn token_count(candidates: &[Candidate]) -> usize {
    candidates.iter().map(|c| c.end).max().unwrap_or(0)
}

/// Working buffers of [`resolve`], kept between texts.
#[derive(Default)]
pub(crate) struct ResolveBuffers {
    by_start: Vec<u32>,
    order: Vec<u32>,
    cluster: Vec<u128>,
    taken: Vec<bool>,
    kept: Vec<Candidate>,
}

/// `Yoon Seo-hyun (윤서현)`, `Qingdao (青岛)`: a name followed by its spelling in another
/// script, in brackets, gets the name's label. Runs after [`resolve`]: it only adds spans no
/// candidate covered (the brackets' words are never capitalised).
pub(crate) fn native_script(doc: &Doc, kept: &mut Vec<Candidate>) {
    let mut added = Vec::new();
    for cand in kept.iter() {
        let (open, word, close) = (cand.end, cand.end + 1, cand.end + 2);
        let bracketed = close < doc.tokens.len()
            && doc.word(open) == "("
            && doc.word(close) == ")"
            && doc.tokens[word].kind == TokenKind::Word
            && doc.tokens[word].case == Case::Uncased
            && !doc.word(word).is_ascii();
        if bracketed && kept.binary_search_by_key(&word, |c| c.start).is_err() {
            added.push(Candidate::new(
                (word, word + 1),
                cand.label,
                "native-script",
                0.7,
                2,
            ));
        }
    }
    if !added.is_empty() {
        kept.extend(added);
        kept.sort_by_key(|c| c.start);
    }
}

/// Gazetteer names that start and end on token boundaries (a hashtag's sign may precede:
/// `#UN`). The automaton is run anchored at each token that can start a name, and gives the
/// longest name starting there; a name ends a token, or is not one (`Korea` in `Koreas`).
pub(crate) fn gazetteer(doc: &Doc, lexicon: &Lexicon, out: &mut Vec<Candidate>) {
    let tokens = &doc.tokens;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let sign = usize::from(token.kind == TokenKind::Tag);
        let start = token.bytes.start + sign;
        let can_start = doc
            .text
            .as_bytes()
            .get(start..)
            .is_some_and(|rest| lexicon.starts_name(rest));
        if !can_start {
            i += 1;
            continue;
        }
        let input = Input::new(doc.text).range(start..).anchored(Anchored::Yes);
        let found = lexicon
            .gazetteer
            .try_find(&input)
            .expect("the gazetteer DFA is built for anchored searches")
            .and_then(|m| {
                // The token where the match ends, if it ends one.
                let last = i + tokens[i..].partition_point(|t| t.bytes.end < m.end());
                let aligned = tokens.get(last).is_some_and(|t| t.bytes.end == m.end());
                let entry = lexicon.gazetteer_entries.get(m.pattern().as_usize())?;
                aligned.then_some((m, last, entry))
            });
        let Some((m, last, entry)) = found else {
            i += 1;
            continue;
        };
        let score = if last > i { 0.9 } else { 0.8 };
        let mut label = entry.label.as_str();
        if SEATS_OF_GOVERNMENT.contains(&&doc.text[m.range()]) && !after_place_preposition(doc, i) {
            // `the Kremlin said`: the government, not the building.
            label = "ORG";
        }
        out.push(Candidate::new((i, last + 1), label, entry.source, score, 2));
        i = last + 1;
    }
}

/// Buildings whose name also stands for the government that sits in them.
const SEATS_OF_GOVERNMENT: &[&str] = &[
    "Kremlin",
    "White House",
    "Blue House",
    "Élysée Palace",
    "Elysee Palace",
    "Élysée",
    "Downing Street",
    "Zhongnanhai",
    "Kantei",
    "Yongsan",
];

/// True when token `i` follows `at`, `in`, `to`… (with an optional `the`): a place reading.
fn after_place_preposition(doc: &Doc, i: usize) -> bool {
    let mut k = i;
    if k > 0 && doc.word(k - 1).eq_ignore_ascii_case("the") {
        k -= 1;
    }
    k > 0 && doc.infos[k - 1].has(flag::PLACE_PREP) && doc.tokens[k - 1].case == Case::Lower
}

/// `[REUTERS]`, `[AFP/KYODO]`: upper-case credits in brackets, one ORG per agency.
pub(crate) fn credits(doc: &Doc, out: &mut Vec<Candidate>) {
    let tokens = &doc.tokens;
    // Brackets are rare: find them in the bytes rather than test every token.
    for (at, _) in doc.text.match_indices('[') {
        let open = tokens.partition_point(|t| t.bytes.start < at);
        let bracket = tokens.get(open).is_some_and(|t| {
            t.bytes.start == at && t.kind == TokenKind::Punct && doc.word(open) == "["
        });
        if !bracket {
            continue;
        }
        let mut names = Vec::new();
        let mut i = open + 1;
        while let Some(t) = tokens.get(i)
            && t.kind == TokenKind::Word
            && t.case == Case::Upper
            && t.gap == Gap::None
        {
            names.push(i);
            match tokens.get(i + 1).map(|_| doc.word(i + 1)) {
                Some("/") => i += 2,
                _ => break,
            }
        }
        let closed = names
            .last()
            .is_some_and(|&last| tokens.get(last + 1).is_some() && doc.word(last + 1) == "]");
        if closed {
            for i in names {
                out.push(Candidate::new((i, i + 1), "ORG", "credit", 0.85, 3));
            }
        }
    }
}

/// DATE, TIME, MONEY and PERCENT expressions, all within one line.
pub(crate) fn values(doc: &Doc, out: &mut Vec<Candidate>) {
    let mut i = 0;
    while i < doc.tokens.len() {
        match value_at(doc, i) {
            Some((start, end, label, rule, score)) => {
                out.push(Candidate::new((start, end), label.as_str(), rule, score, 3));
                i = end;
            }
            None => i += 1,
        }
    }
}

type Value = (usize, usize, Label, &'static str, f32);

fn value_at(doc: &Doc, i: usize) -> Option<Value> {
    let tokens = &doc.tokens;
    let token = &tokens[i];
    let info = doc.infos[i];
    // The next token on the same line, if any.
    let next = |j: usize| tokens.get(j).filter(|t| t.gap < Gap::Newline).map(|_| j);
    const STARTS_VALUE: u32 =
        flag::NUMBER_WORD | flag::MONTH | flag::WEEKDAY | flag::DAY_WORD | flag::RELATIVE;
    let word = doc.word(i);
    let is_number = token.kind == TokenKind::Number;
    match token.kind {
        TokenKind::Number | TokenKind::Symbol => {}
        TokenKind::Word if info.has(STARTS_VALUE) => {}
        TokenKind::Word if is_compound_age_or_period(doc, word) => {
            return Some((i, i + 1, Label::Date, "duration", 0.7));
        }
        _ => return None,
    }
    if is_number && is_compound_age_or_period(doc, word) {
        return Some((i, i + 1, Label::Date, "duration", 0.7));
    }
    if token.kind == TokenKind::Symbol && word.chars().all(|c| "$£€¥₩₹".contains(c)) {
        let n = next(i + 1).filter(|&n| tokens[n].kind == TokenKind::Number)?;
        let mut end = n + 1;
        if next(end).is_some_and(|s| doc.infos[s].has(flag::SCALE)) {
            end += 1;
        }
        // `US$5`, `HK$3`: a country prefix glued to the sign.
        let start = if i > 0 && token.gap == Gap::None && tokens[i - 1].case == Case::Upper {
            i - 1
        } else {
            i
        };
        return Some((start, end, Label::Money, "money", 0.9));
    }
    if is_number || info.has(flag::NUMBER_WORD) {
        let mut j = i + 1;
        if next(j).is_some_and(|s| doc.infos[s].has(flag::SCALE)) {
            j += 1;
        }
        if let Some(c) = next(j) {
            let after = doc.infos[c];
            if after.has(flag::CURRENCY) && tokens[c].case == Case::Lower {
                return Some((i, c + 1, Label::Money, "money", 0.85));
            }
            if is_number && j == i + 1 {
                if doc.word(c) == "%" {
                    return Some((i, c + 1, Label::Percent, "percent", 0.95));
                }
                if after.has(flag::PERCENT) {
                    return Some((i, c + 1, Label::Percent, "percent", 0.9));
                }
                if doc.word(c) == "per" && next(c + 1).is_some_and(|d| doc.word(d) == "cent") {
                    return Some((i, c + 2, Label::Percent, "percent", 0.9));
                }
                if doc.word(c) == "percentage"
                    && next(c + 1).is_some_and(|d| matches!(doc.word(d), "point" | "points"))
                {
                    return Some((i, c + 2, Label::Percent, "percent", 0.85));
                }
                if after.has(flag::AM_PM) {
                    let end = if next(c + 1).is_some_and(|z| doc.infos[z].has(flag::TIMEZONE)) {
                        c + 2
                    } else {
                        c + 1
                    };
                    return Some((i, end, Label::Time, "time", 0.9));
                }
                if after.has(flag::MONTH) && tokens[c].case == Case::Title {
                    // `3 February 2025`
                    let end = match next(c + 1) {
                        Some(y) if is_year(doc.word(y)) => y + 1,
                        _ => c + 1,
                    };
                    return Some((i, end, Label::Date, "date", 0.85));
                }
            }
            if after.has(flag::DATE_UNIT) && !word.contains(['.', ',']) {
                let end = match next(c + 1).map(|a| doc.word(a)) {
                    Some("ago" | "earlier" | "later") => c + 2,
                    _ => c + 1,
                };
                // `the past six months`
                let mut start = relative_start(doc, i);
                if start < i && start > 0 && doc.word(start - 1) == "the" {
                    start -= 1;
                }
                return Some((start, end, Label::Date, "duration", 0.6));
            }
            if after.has(flag::TIME_UNIT) && tokens[c].case == Case::Lower {
                return Some((i, c + 1, Label::Time, "duration", 0.6));
            }
        }
        if is_number && word.contains(':') && word.len() <= 5 {
            let end = if next(i + 1).is_some_and(|z| doc.infos[z].has(flag::TIMEZONE)) {
                i + 2
            } else {
                i + 1
            };
            return Some((i, end, Label::Time, "time", 0.8));
        }
        if is_number && (is_year(word) || is_decade(word)) {
            return Some((i, i + 1, Label::Date, "year", 0.6));
        }
        return None;
    }
    if info.has(flag::MONTH) && token.case == Case::Title {
        let start = relative_start(doc, i);
        if let Some(d) = next(i + 1).filter(|&d| is_day_of_month(doc.word(d))) {
            let mut end = d + 1;
            if next(end).is_some_and(|c| doc.word(c) == ",")
                && next(end + 1).is_some_and(|y| is_year(doc.word(y)))
            {
                end += 2;
            } else if next(end).is_some_and(|y| is_year(doc.word(y))) {
                end += 1;
            }
            return Some((start, end, Label::Date, "date", 0.9));
        }
        if let Some(y) = next(i + 1).filter(|&y| is_year(doc.word(y))) {
            return Some((start, y + 1, Label::Date, "date", 0.85));
        }
        // A month alone: `May` only with a preposition before it, being also a verb.
        let prep_before = i > 0
            && matches!(
                doc.word(i - 1),
                "in" | "since" | "until" | "by" | "of" | "from" | "before" | "after" | "through"
            );
        if info.month != 5 || prep_before || start < i {
            return Some((start, i + 1, Label::Date, "month", 0.75));
        }
        return None;
    }
    if info.has(flag::WEEKDAY) && token.case == Case::Title {
        let start = relative_start(doc, i);
        let mut end = i + 1;
        if let Some(c) = next(end)
            && matches!(doc.word(c), "or" | "and")
            && next(c + 1)
                .is_some_and(|d| doc.infos[d].has(flag::WEEKDAY) && tokens[d].case == Case::Title)
        {
            end = c + 2;
        }
        if next(end).is_some_and(|p| doc.infos[p].has(flag::PART_OF_DAY)) {
            end += 1;
        }
        return Some((start, end, Label::Date, "weekday", 0.85));
    }
    if info.has(flag::DAY_WORD) {
        return Some((i, i + 1, Label::Date, "day-word", 0.8));
    }
    if info.has(flag::RELATIVE) && token.case != Case::Upper {
        let mut j = i + 1;
        // `earlier this year`, `later this month`
        if next(j).is_some_and(|r| doc.infos[r].has(flag::RELATIVE)) {
            j += 1;
        }
        if let Some(u) = next(j) {
            let unit = doc.infos[u];
            if unit.has(flag::DATE_UNIT) && tokens[u].case == Case::Lower {
                return Some((i, u + 1, Label::Date, "relative-date", 0.8));
            }
            if unit.has(flag::PART_OF_DAY) && tokens[u].case == Case::Lower {
                return Some((i, u + 1, Label::Time, "relative-time", 0.75));
            }
        }
    }
    None
}

/// Start of a date including relative words just before it (`last Monday`, `early March`).
fn relative_start(doc: &Doc, i: usize) -> usize {
    let mut start = i;
    while start > 0
        && doc.tokens[start].gap < Gap::Newline
        && doc.infos[start - 1].has(flag::RELATIVE)
        && doc.tokens[start - 1].case == Case::Lower
    {
        start -= 1;
    }
    start
}

/// `two-day`, `five-year`, `52-year-old`: a number joined to a date unit.
fn is_compound_age_or_period(doc: &Doc, word: &str) -> bool {
    // Most words end with no unit's last four bytes (nor `-old`'s): reject them first.
    const TAILS: [&[u8; 4]; 6] = [b"-day", b"week", b"year", b"onth", b"cade", b"-old"];
    let unit_end = word
        .as_bytes()
        .last_chunk::<4>()
        .is_some_and(|tail| TAILS.contains(&tail));
    if !unit_end {
        return false;
    }
    let word = word.strip_suffix("-old").unwrap_or(word);
    let Some(number) = ["-day", "-week", "-month", "-year", "-decade"]
        .into_iter()
        .find_map(|unit| word.strip_suffix(unit))
    else {
        return false;
    };
    !number.is_empty()
        && (number.bytes().all(|b| b.is_ascii_digit())
            || doc.lexicon_info(number).has(flag::NUMBER_WORD))
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && word.bytes().all(|b| b.is_ascii_digit())
        && (word.starts_with("19") || word.starts_with("20"))
}

fn is_decade(word: &str) -> bool {
    word.len() == 5 && word.ends_with("0s") && is_year(&word[..4])
}

fn is_day_of_month(word: &str) -> bool {
    word.len() <= 2 && word.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

/// A maximal capitalised sequence within a sentence, tokens `[start, end)`.
struct Run {
    start: usize,
    end: usize,
    /// Starts the sentence, where capitals say nothing.
    initial: bool,
}

/// Names from capitalised sequences, in two passes: evidence within the sentence first, then
/// the document's own names (a surname seen in a full name, a name labelled elsewhere).
pub(crate) fn names<'t>(
    doc: &Doc<'t>,
    gazetteer: &[Candidate],
    buffers: &mut NameBuffers,
    out: &mut Vec<Candidate>,
) {
    let NameBuffers { slots, runs, known } = buffers;
    slots.clear();
    slots.resize(doc.tokens.len(), None);
    for g in gazetteer {
        for slot in &mut slots[g.start..g.end] {
            *slot = Some((g.start, g.end, static_label(g.label)));
        }
    }
    let ctx = Names {
        doc,
        gazetteer: slots,
    };
    handles(&ctx, out);
    datelines(doc, out);
    runs.clear();
    for sentence in &doc.sentences {
        if shouting(doc, sentence) {
            continue;
        }
        collect_runs(doc, ctx.gazetteer, sentence, runs);
    }
    let first_new = out.len();
    for run in runs.iter() {
        ctx.classify_run(run, out);
    }
    // Names by their text, from the first pass: the label of the strongest evidence, at that
    // evidence's priority (a surname of a guessed name stays a guess).
    known.clear();
    let mut remember = |text: &'t str, label: &'static str, priority: u8| {
        known.remember(doc.text, text, label, priority);
    };
    for cand in &out[first_new..] {
        let label = static_label(cand.label);
        if cand.rule == "capitalised" && label != "PER" {
            continue;
        }
        remember(doc.span_text(cand.start, cand.end), label, cand.priority);
        let first = cand.start;
        // `Hanbit Semiconductor Corp.` -> `Hanbit`, `Typhoon Sorae` -> `Sorae`: short forms.
        let short_form = cand.end - cand.start >= 2
            && doc.tokens[first].case == Case::Title
            && doc.infos[first].flags == 0
            && doc.infos[first].head.is_none()
            && ctx.gazetteer[first].is_none();
        if label == "ORG" && cand.priority >= 2 && short_form {
            remember(doc.word(first), "ORG", cand.priority);
        }
        if label == "EVENT" && EVENT_PREFIXES.contains(&doc.word(first)) {
            remember(doc.span_text(first + 1, cand.end), "EVENT", cand.priority);
        }
        if label == "PER" && cand.end - cand.start >= 2 {
            remember(doc.word(cand.end - 1), "PER", cand.priority);
            // Korean-style names put the family name first: `Yoon Seo-hyun` -> `Yoon`.
            if is_given_name_shape(doc.word(cand.end - 1)) {
                remember(doc.word(cand.start), "PER", cand.priority);
            }
        }
    }
    if known.is_empty() {
        return;
    }
    for run in runs.iter() {
        let text = doc.span_text(run.start, run.end);
        if let Some((label, priority)) = known.get(doc.text, text) {
            out.push(Candidate::new(
                (run.start, run.end),
                label,
                "same-name",
                0.75,
                priority,
            ));
        }
    }
}

/// Working buffers of [`names`], kept between texts.
#[derive(Default)]
pub(crate) struct NameBuffers {
    /// The gazetteer match covering each token.
    slots: Vec<GazetteerSlot>,
    runs: Vec<Run>,
    known: KnownNames,
}

/// The names a document has labelled, by their text: byte ranges of the text under the
/// text's hash, so that the table holds no borrow and is kept between texts. A name whose
/// hash collides with another's is not remembered: a missed "same name", never a wrong one.
#[derive(Default)]
struct KnownNames(FastMap<u64, (usize, usize, &'static str, u8)>);

impl KnownNames {
    fn clear(&mut self) {
        self.0.clear();
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Remembers `name`, a slice of `text`, with the strongest evidence's label and priority.
    fn remember(&mut self, text: &str, name: &str, label: &'static str, priority: u8) {
        let start = name.as_ptr() as usize - text.as_ptr() as usize;
        let entry = self.0.entry(hash_word(name.as_bytes())).or_insert((
            start,
            start + name.len(),
            label,
            priority,
        ));
        if text.get(entry.0..entry.1) == Some(name) && priority > entry.3 {
            (entry.2, entry.3) = (label, priority);
        }
    }

    fn get(&self, text: &str, name: &str) -> Option<(&'static str, u8)> {
        let &(start, end, label, priority) = self.0.get(&hash_word(name.as_bytes()))?;
        (text.get(start..end) == Some(name)).then_some((label, priority))
    }
}

/// Words that make a social-media handle an organisation's account rather than a person's.
const ACCOUNT_WORDS: &[&str] = &[
    "news", "tv", "radio", "weather", "daily", "times", "post", "media", "online", "official",
    "gov", "police", "sport", "live", "press", "herald", "magazine", "channel", "fm",
];

/// `@name` mentions (one token, or `@` and the name apart as pre-tokenised corpora have them)
/// name an account: a person's unless the handle says otherwise. Weak evidence.
fn handles(ctx: &Names, out: &mut Vec<Candidate>) {
    let doc = ctx.doc;
    // Most texts have no handle: one scan of the bytes spares a pass over the tokens.
    if !doc.text.contains('@') {
        return;
    }
    for (i, token) in doc.tokens.iter().enumerate() {
        if !matches!(
            token.kind,
            TokenKind::Tag | TokenKind::Word | TokenKind::Number
        ) {
            continue;
        }
        let word = doc.word(i);
        let handle = match token.kind {
            TokenKind::Tag if word.starts_with('@') => &word[1..],
            TokenKind::Word | TokenKind::Number
                if token.gap <= Gap::Space && i > 0 && doc.word(i - 1) == "@" =>
            {
                word
            }
            _ => continue,
        };
        if ctx.gazetteer[i].is_some() {
            continue;
        }
        let lower = handle.to_lowercase();
        let label = if ACCOUNT_WORDS.iter().any(|w| lower.contains(w)) {
            "ORG"
        } else {
            "PER"
        };
        out.push(Candidate::new((i, i + 1), label, "handle", 0.4, 1));
    }
}

/// `SEOUL —`, `CAPE TOWN (Reuters) —`: a capitalised place opening a paragraph.
fn datelines(doc: &Doc, out: &mut Vec<Candidate>) {
    let tokens = &doc.tokens;
    // The tokens that open a line, found from the line breaks rather than by testing every
    // token; blank lines give the same token again.
    let line_starts = doc
        .text
        .match_indices('\n')
        .map(|(at, _)| tokens.partition_point(|t| t.bytes.start < at));
    let mut previous = None;
    for i in std::iter::once(0).chain(line_starts) {
        let Some(token) = tokens.get(i).filter(|_| previous != Some(i)) else {
            continue;
        };
        previous = Some(i);
        if !(i == 0 || token.gap >= Gap::Newline) {
            continue;
        }
        let mut end = i;
        while end < tokens.len()
            && end - i < 4
            && tokens[end].kind == TokenKind::Word
            && tokens[end].case == Case::Upper
            && (end == i || tokens[end].gap == Gap::Space)
        {
            end += 1;
        }
        let dash = tokens.get(end).is_some_and(|t| {
            t.gap == Gap::Space && matches!(doc.word(end), "—" | "–" | "-" | "--")
        });
        if end > i && dash {
            out.push(Candidate::new((i, end), "GPE", "dateline", 0.7, 2));
        }
    }
}

/// The gazetteer match covering a token: its token range and label.
type GazetteerSlot = Option<(usize, usize, &'static str)>;

/// What the name rules look at besides the tokens.
struct Names<'d, 't> {
    doc: &'d Doc<'t>,
    /// The gazetteer match covering each token.
    gazetteer: &'d [GazetteerSlot],
}

fn static_label(label: &str) -> &'static str {
    ["PER", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"]
        .into_iter()
        .find(|l| *l == label)
        .unwrap_or("ORG")
}

/// An all-capitals headline or tweet: capitals carry no signal there.
fn shouting(doc: &Doc, sentence: &Sentence) -> bool {
    let (mut words, mut upper) = (0, 0);
    for i in sentence.tokens.clone() {
        if doc.tokens[i].kind == TokenKind::Word {
            words += 1;
            upper += usize::from(doc.tokens[i].case == Case::Upper);
        }
    }
    words >= 4 && upper * 10 >= words * 7
}

fn is_cap(doc: &Doc, i: usize) -> bool {
    let token = &doc.tokens[i];
    matches!(token.kind, TokenKind::Word | TokenKind::Tag)
        && matches!(token.case, Case::Title | Case::Upper)
        && !doc.infos[i].has(flag::MONTH | flag::WEEKDAY | flag::AM_PM | flag::TIMEZONE)
}

/// `Seo-hyun`, `Ji-won`: a hyphen followed by a lower-case letter, as romanised Korean given
/// names are written.
fn is_given_name_shape(word: &str) -> bool {
    word.split_once('-').is_some_and(|(head, tail)| {
        head.chars().next().is_some_and(char::is_uppercase)
            && tail.chars().next().is_some_and(char::is_lowercase)
            && !tail.contains('-')
    })
}

/// A word shaped like a verb's participle (`Representing`, `Rolling`, `Wounded`): at the
/// start of a sentence it is the verb before a name, and in a name it is no first name.
fn is_participle(word: &str) -> bool {
    let lower = |suffix: &str| {
        word.len() > suffix.len() + 3
            && word
                .get(word.len() - suffix.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
    };
    lower("ing") || lower("ed")
}

fn collect_runs(doc: &Doc, gazetteer: &[GazetteerSlot], sentence: &Sentence, runs: &mut Vec<Run>) {
    let end = sentence.tokens.end;
    let mut lead = sentence.tokens.start;
    while lead < end && matches!(doc.tokens[lead].kind, TokenKind::Punct | TokenKind::Symbol) {
        lead += 1;
    }
    let mut i = sentence.tokens.start;
    while i < end {
        if !is_cap(doc, i) {
            i += 1;
            continue;
        }
        // After a colon or dash, headline style capitalises too (`Related: How Japan…`).
        let initial = i == lead || i > 0 && matches!(doc.word(i - 1), ":" | "—" | "|" | "›");
        // A name may start with `The` (`The Harbor Daily`), never with another function word.
        if doc.infos[i].has(flag::FUNCTION) && (initial || doc.word(i) != "The") {
            i += 1;
            continue;
        }
        // `Representing Korea, …`: a sentence-initial participle is the verb, not the name.
        let info = doc.infos[i];
        if initial
            && is_participle(doc.word(i))
            && gazetteer[i].is_none()
            && info.head.is_none()
            && !info.has(flag::FIRST_NAME | flag::TITLE)
            && i + 1 < end
            && is_cap(doc, i + 1)
        {
            i += 1;
            continue;
        }
        let start = i;
        // A head, or a plural head right before `of` or `for`.
        let heads = |k: usize| {
            doc.infos[k].head.is_some()
                || doc.infos[k].plural_head.is_some()
                    && matches!(doc.words.get(k + 1), Some(&"of" | &"for"))
        };
        let mut has_head = heads(i);
        let mut j = i + 1;
        while j < end {
            let joined = doc.tokens[j].gap <= Gap::Space;
            if joined && is_cap(doc, j) {
                has_head |= heads(j);
                j += 1;
                continue;
            }
            let next_cap = j + 1 < end && is_cap(doc, j + 1) && doc.tokens[j + 1].gap <= Gap::Space;
            let word = doc.word(j);
            if joined && next_cap {
                if doc.infos[j].has(flag::PARTICLE) && doc.tokens[j].case == Case::Lower {
                    j += 2;
                    continue;
                }
                if has_head && matches!(word, "of" | "for" | "on" | "and" | "&") {
                    j += 2;
                    continue;
                }
                if matches!(word, "," | "and" | "&")
                    && let Some(head_end) = list_until_head(doc, j, end)
                {
                    j = head_end;
                    has_head = true;
                    continue;
                }
            }
            // `Bank of the Philippine Islands`, but not `Oval Office of the White House`: a
            // known facility or organisation after `of the` is a name of its own.
            if joined
                && has_head
                && word == "of"
                && j + 2 < end
                && doc.word(j + 1) == "the"
                && is_cap(doc, j + 2)
                && !gazetteer[j + 2].is_some_and(|(start, _, label)| {
                    start == j + 2 && matches!(label, "FAC" | "ORG")
                })
            {
                j += 3;
                continue;
            }
            // A plural possessive inside a name: `Busan District Prosecutors’ Office`.
            if doc.tokens[j].gap == Gap::None
                && matches!(word, "’" | "'")
                && doc.word(j - 1).ends_with('s')
                && next_cap
            {
                j += 2;
                continue;
            }
            break;
        }
        runs.push(Run {
            start,
            end: j,
            initial,
        });
        i = j;
    }
}

/// From a `,` or `and` inside a name: the end of a list of capitalised words closed by an
/// ORG head (`Foreign, Commonwealth and Development Office`), if there is one close by.
fn list_until_head(doc: &Doc, from: usize, end: usize) -> Option<usize> {
    let mut k = from;
    while k < end && k < from + 8 {
        let word = doc.word(k);
        if is_cap(doc, k) {
            if doc.infos[k].head == Some(Label::Org) {
                return Some(k + 1);
            }
        } else if !matches!(word, "," | "and" | "&") {
            return None;
        }
        k += 1;
    }
    None
}

/// A set of words as a Bloom filter: 16,384 bits, three probes of the word's [`hash_word`].
/// Built per document from its ~500 lower-case words, cheaper than a hash set; about one query
/// in 1,500 wrongly answers "present", which only makes a name guess more cautious.
pub(crate) struct WordFilter(Box<[u64; 256]>);

impl Default for WordFilter {
    fn default() -> Self {
        Self(Box::new([0; 256]))
    }
}

impl WordFilter {
    /// Empties the set, keeping its allocation for the next document.
    pub(crate) fn clear(&mut self) {
        self.0.fill(0);
    }

    fn probes(hash: u64) -> [usize; 3] {
        [hash, hash >> 21, hash >> 42].map(|h| (h & 0x3fff) as usize)
    }

    pub(crate) fn insert(&mut self, hash: u64) {
        for bit in Self::probes(hash) {
            self.0[bit / 64] |= 1 << (bit % 64);
        }
    }

    pub(crate) fn contains(&self, hash: u64) -> bool {
        Self::probes(hash)
            .iter()
            .all(|&bit| self.0[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

/// [`hash_word`] of the word in lower case, without allocating for short ASCII words.
pub(crate) fn lower_hash(word: &str) -> u64 {
    let mut buf = [0; 32];
    match buf.get_mut(..word.len()) {
        Some(lower) if word.is_ascii() => {
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            hash_word(lower)
        }
        _ => hash_word(word.to_lowercase().as_bytes()),
    }
}

/// Compass and size words that make a place name of a place name (`West Germany`).
const PLACE_PREFIXES: &[&str] = &[
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central",
    "Greater", "Upper", "Lower", "Inner", "Outer",
];

/// Capitalised words of a minister's portfolio that no suffix gives away.
const PORTFOLIO_WORDS: &[&str] = &[
    "Affairs",
    "Foreign",
    "Trade",
    "Energy",
    "Finance",
    "Health",
    "Justice",
    "Interior",
    "Labor",
    "Labour",
    "Defense",
    "Defence",
    "Commerce",
    "Economy",
    "Land",
    "State",
    "Home",
    "Security",
    "Welfare",
    "Science",
    "Gender",
    "Equality",
    "Family",
    "Women",
    "Veterans",
    "Oceans",
    "Fisheries",
    "Culture",
    "Sports",
    "Tourism",
    "Unification",
    "Environment",
    "Industry",
    "Employment",
    "Development",
    "Technology",
    "Infrastructure",
    "Transport",
    "Agriculture",
    "Forestry",
    "Food",
    "Housing",
    "Digital",
    "Public",
    "National",
    "Internal",
    "External",
    "Planning",
    "Strategy",
    "Climate",
    "Change",
    "Water",
    "Mines",
    "Petroleum",
    "Revenue",
];

/// Endings of portfolio words (`Revitalization`, `Economic`, `Education`, `Treasury`).
const PORTFOLIO_SUFFIXES: &[&str] = &[
    "tion", "sion", "ment", "ic", "ics", "ity", "ry", "ure", "ance", "ence",
];

/// Words that open the name of a storm or an operation: `Typhoon Sorae`.
const EVENT_PREFIXES: &[&str] = &["Typhoon", "Hurricane", "Cyclone", "Storm", "Operation"];

impl Names<'_, '_> {
    fn classify_run(&self, run: &Run, out: &mut Vec<Candidate>) {
        let doc = self.doc;
        // `Minister of Trade, Industry and Energy Ahn Duk-geun`, `Minister for Economic
        // Revitalization Ryosei Akazawa`: after a title and `of`/`for`, the capitalised words
        // are the portfolio, then perhaps the person.
        let portfolio = run.start >= 2
            && matches!(doc.word(run.start - 1), "of" | "for")
            && doc.infos[run.start - 2].has(flag::TITLE);
        if portfolio {
            if let Some(name) = self.person_after_portfolio(run) {
                out.push(Candidate::new(name, "PER", "title", 0.85, 2));
            }
            return;
        }
        // A title inside the run: what follows it is the person, what precedes it is kept
        // only with evidence (`U.S. President X`, `Samsung CEO X`, not `Commerce Secretary X`).
        let title = (run.start..run.end)
            .rev()
            .find(|&t| doc.infos[t].has(flag::TITLE));
        if let Some(t) = title {
            let name = (t + 1, run.end);
            let name_ok = name.0 < name.1
                && (name.0..name.1).all(|k| {
                    doc.infos[k].head.is_none() && !doc.infos[k].has(flag::FUNCTION | flag::TITLE)
                });
            // `Institute of Criminal Justice`: a title word closing a name with a head.
            let part_of_name = name.0 == name.1
                && (run.start..t).any(|k| doc.infos[k].head.is_some())
                && (run.start..t).any(|k| matches!(doc.word(k), "of" | "for"));
            if name_ok || name.0 == name.1 && !part_of_name {
                if name_ok {
                    out.push(Candidate::new(name, "PER", "title", 0.9, 2));
                }
                if run.start < t {
                    self.classify_plain(run.start, t, run.initial, true, out);
                }
                return;
            }
        }
        self.classify_plain(run.start, run.end, run.initial, false, out);
    }

    /// The person closing a title's portfolio (see [`Names::classify_run`]): the last two or
    /// three words, when none of them is a portfolio word and the first of them follows one.
    fn person_after_portfolio(&self, run: &Run) -> Option<(usize, usize)> {
        let doc = self.doc;
        let is_portfolio = |k: usize| {
            let word = doc.word(k);
            !is_cap(doc, k)
                || doc.infos[k].head.is_some()
                || doc.infos[k].has(flag::FUNCTION | flag::TITLE)
                || PORTFOLIO_WORDS.contains(&word)
                || PORTFOLIO_SUFFIXES.iter().any(|s| {
                    word.len() > s.len() + 2 && word.ends_with(s) && !is_given_name_shape(word)
                })
                || self.is_common(k)
        };
        let mut start = run.end;
        while start > run.start && run.end - start < 3 && !is_portfolio(start - 1) {
            start -= 1;
        }
        let after_portfolio = start > run.start && is_portfolio(start - 1);
        let all_title = (start..run.end).all(|k| doc.tokens[k].case == Case::Title);
        (run.end - start >= 2 && after_portfolio && all_title).then_some((start, run.end))
    }

    /// A known name inside a longer capitalised name: `West Germany` is still a place,
    /// `Perth Glory`, `Connecticut Lottery` or `Japanese Red Cross` an organisation. Only when
    /// some word of the run is in no gazetteer (`California Democrat` is two names).
    fn gazetteer_extension(&self, a: usize, b: usize) -> Option<&'static str> {
        let doc = self.doc;
        let inside = &self.gazetteer[a..b];
        let mut matches = inside
            .iter()
            .flatten()
            .filter(|(ga, gb, _)| *ga >= a && *gb <= b);
        let &first = matches.clone().next()?;
        if matches.any(|m| m.2 == "ORG") && (first.0, first.1) != (a, b) {
            return Some("ORG");
        }
        if inside.iter().all(Option::is_some) {
            return None;
        }
        let (ga, gb, label) = first;
        if !matches!(label, "GPE" | "LOC") {
            return None;
        }
        let prefixed = gb == b && (a..ga).all(|k| PLACE_PREFIXES.contains(&doc.word(k)));
        Some(if prefixed { label } else { "ORG" })
    }

    /// True when the capitalised word is used in lower case elsewhere in the document.
    fn is_common(&self, i: usize) -> bool {
        let doc = self.doc;
        doc.infos[i].has(flag::FUNCTION) || doc.lower_words.contains(lower_hash(doc.word(i)))
    }

    /// Labels a title-free capitalised sequence `[a, b)`. With `evidence_only`, guesses from
    /// context or shape are not made.
    fn classify_plain(
        &self,
        a: usize,
        b: usize,
        initial: bool,
        evidence_only: bool,
        out: &mut Vec<Candidate>,
    ) {
        let doc = self.doc;
        let len = b - a;
        let infos = &doc.infos[a..b];
        let last: WordInfo = infos[len - 1];
        let head = last.head.filter(|_| len >= 2).or_else(|| {
            (a..b.saturating_sub(1))
                .filter(|&k| matches!(doc.word(k + 1), "of" | "for"))
                .find_map(|k| doc.infos[k].head.or(doc.infos[k].plural_head))
        });
        if let Some(label) = head {
            out.push(Candidate::new((a, b), label.as_str(), "name-head", 0.8, 2));
            return;
        }
        let all_title = (a..b).all(|k| doc.tokens[k].case == Case::Title);
        if len >= 2 && EVENT_PREFIXES.contains(&doc.word(a)) {
            out.push(Candidate::new((a, b), "EVENT", "name-head", 0.75, 2));
            return;
        }
        if (2..=4).contains(&len) && infos[0].has(flag::FIRST_NAME) && all_title {
            out.push(Candidate::new((a, b), "PER", "first-name", 0.8, 2));
            return;
        }
        if (2..=3).contains(&len) && all_title && (a..b).any(|k| is_given_name_shape(doc.word(k))) {
            out.push(Candidate::new((a, b), "PER", "name-shape", 0.75, 2));
            return;
        }
        let before = a.checked_sub(1).map(|k| (doc.infos[k], doc.tokens[k].case));
        let title_before =
            before.is_some_and(|(info, case)| info.has(flag::TITLE) && case == Case::Lower);
        if (title_before || a > 0 && doc.word(a - 1) == "surnamed") && len <= 4 {
            out.push(Candidate::new((a, b), "PER", "title", 0.85, 2));
            return;
        }
        if evidence_only {
            return;
        }
        if let Some(label) = self.gazetteer_extension(a, b) {
            out.push(Candidate::new((a, b), label, "gazetteer-extension", 0.5, 2));
            return;
        }
        let speech = doc.infos.get(b).is_some_and(|i| i.has(flag::SPEECH))
            || (1..=2).any(|d| {
                a.checked_sub(d).is_some_and(|k| {
                    doc.infos[k].has(flag::SPEECH) && doc.tokens[k].case == Case::Lower
                })
            });
        let place_before =
            matches!(before, Some((info, Case::Lower)) if info.has(flag::PLACE_PREP));
        // `is_common` needs a pass over the document: ask it only when a label could follow.
        if len == 1 {
            // A hashtag is a topic unless a lexicon or a rule above knows it.
            let hashtag = doc.tokens[a].kind == TokenKind::Tag;
            if initial || hashtag || infos[0].head.is_some() {
                return;
            }
            let first_name = infos[0].has(flag::FIRST_NAME);
            let upper = doc.tokens[a].case == Case::Upper;
            if !(first_name || upper || (speech || place_before) && all_title) || self.is_common(a)
            {
                return;
            }
            if first_name {
                out.push(Candidate::new((a, b), "PER", "first-name", 0.5, 1));
                return;
            }
            if upper {
                let letters = doc.word(a).chars().filter(|c| c.is_alphabetic()).count();
                if (2..=6).contains(&letters) && infos[0].flags == 0 {
                    out.push(Candidate::new((a, b), "ORG", "acronym", 0.5, 1));
                }
                return;
            }
        }
        let name_like = all_title && (a..b).all(|k| !self.is_common(k));
        if !name_like {
            return;
        }
        if speech && len <= 3 {
            out.push(Candidate::new((a, b), "PER", "speech", 0.6, 1));
        } else if place_before && len <= 3 {
            out.push(Candidate::new((a, b), "GPE", "place-context", 0.4, 1));
        } else if len >= 2 && (infos[0].has(flag::FIRST_NAME) || !is_participle(doc.word(a))) {
            // `Rolling Stone`, `Breaking Bad`: a name opening with a participle is rarely a
            // person's.
            out.push(Candidate::new((a, b), "PER", "capitalised", 0.35, 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(range: (usize, usize), rule: &'static str, score: f32, priority: u8) -> Candidate {
        Candidate::new(range, "ORG", rule, score, priority)
    }

    #[test]
    fn the_overlap_policy_ranks_priority_length_score_start_then_rule_order() {
        let mut candidates = vec![
            cand((1, 2), "inner", 0.9, 2),
            cand((0, 3), "outer", 0.8, 2),
            cand((4, 7), "long-weak", 0.9, 2),
            cand((5, 6), "strong", 0.5, 3),
            cand((8, 10), "low-score", 0.5, 2),
            cand((9, 11), "high-score", 0.7, 2),
            cand((12, 14), "earlier", 0.8, 2),
            cand((13, 15), "later", 0.8, 2),
            cand((16, 16), "empty", 1.0, 4),
            cand((17, 18), "first-rule", 0.6, 2),
            cand((17, 18), "second-rule", 0.6, 2),
            cand((20, 21), "alone", 0.1, 1),
        ];
        resolve(&mut candidates, &mut ResolveBuffers::default());
        let kept: Vec<_> = candidates.iter().map(|c| c.rule).collect();
        assert_eq!(
            kept,
            [
                "outer",
                "strong",
                "high-score",
                "earlier",
                "first-rule",
                "alone"
            ]
        );
        // The buffers carry nothing over to the next text.
        let mut buffers = ResolveBuffers::default();
        let mut first = vec![cand((0, 2), "a", 0.5, 2)];
        resolve(&mut first, &mut buffers);
        let mut second = vec![cand((1, 3), "b", 0.5, 2)];
        resolve(&mut second, &mut buffers);
        assert_eq!(second.iter().map(|c| c.rule).collect::<Vec<_>>(), ["b"]);
    }
}
