//! What the learner sees of each token: hashed features over the word, its neighbours, the
//! lexicon, and the rule engine's own reading (its entity, gazetteer and trigger proposals at
//! the token), so that a model learns how a project's labels relate to the rules' labels.
//!
//! A feature is a `u64`: a template number mixed with a value (a word's hash, a label's hash).
//! The same text, rules and lexicon always give the same features, on every machine.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::annotate::Doc;
use crate::annotate::entities::Candidate;
use crate::annotate::events::TriggerHit;
use crate::annotate::lexicon::{FastMap, hash_word};
use crate::annotate::tokens::{Case, Gap, TokenKind};

use super::knowledge::{Knowledge, Known};

/// Feature templates; each value is mixed with the template so that templates never collide.
mod template {
    pub const BIAS: u64 = 1;
    pub const WORD: u64 = 2;
    pub const LOWER: u64 = 3;
    pub const SHAPE: u64 = 4;
    /// Prefixes of 1-3 chars and suffixes of 1-4 chars of the lower-case word.
    pub const AFFIX: u64 = 5;
    pub const LOWER_PREV: u64 = 6;
    pub const LOWER_NEXT: u64 = 7;
    pub const LOWER_PREV2: u64 = 8;
    pub const LOWER_NEXT2: u64 = 9;
    pub const SHAPE_PREV: u64 = 10;
    pub const SHAPE_NEXT: u64 = 11;
    pub const BIGRAM_PREV: u64 = 12;
    pub const BIGRAM_NEXT: u64 = 13;
    pub const SHAPES_AROUND: u64 = 14;
    /// One per lexicon flag of the word, and of the previous word.
    pub const FLAG: u64 = 15;
    pub const FLAG_PREV: u64 = 16;
    pub const HEAD: u64 = 17;
    /// The rules' entity at the token: `B-GPE`, `I-GPE`, or none.
    pub const RULE: u64 = 18;
    /// The same with the rule's name (`gazetteer:countries`, `title`).
    pub const RULE_NAME: u64 = 19;
    pub const RULE_PREV: u64 = 20;
    pub const RULE_NEXT: u64 = 21;
    pub const RULE_SHAPE: u64 = 22;
    pub const RULE_LOWER: u64 = 23;
    /// A rule's candidate at the token (a gazetteer name, a title's person…), whether or not
    /// the overlap policy kept it: the rules' second opinions.
    pub const CANDIDATE: u64 = 24;
    /// Sentence-initial, with the token's case.
    pub const FIRST: u64 = 25;
    /// A capitalised word whose lower-case form the document also uses (`The`, `Shares`).
    pub const LOWER_SEEN: u64 = 26;
    pub const KIND: u64 = 27;
    /// A line break before the token (headlines, captions, bylines), with its case.
    pub const GAP: u64 = 28;
    /// The event types the trigger lexicon lists for the word.
    pub const TRIGGER_LEXICON: u64 = 29;
    /// The rules' kept trigger at the token, with its position.
    pub const TRIGGER_RULE: u64 = 30;
    pub const TRIGGER_RULE_PREV: u64 = 31;
    /// Inside a run of capitalised words: the run's last word, the words around it, its length.
    pub const RUN_HEAD: u64 = 33;
    pub const RUN_BEFORE: u64 = 34;
    pub const RUN_AFTER: u64 = 35;
    pub const RUN_LENGTH: u64 = 36;
    /// What the general word lists say about the word (a given name, a place…), with its
    /// case, and about its neighbours.
    pub const KNOW: u64 = 37;
    pub const KNOW_PREV: u64 = 38;
    pub const KNOW_NEXT: u64 = 39;
    /// The rules' label at another occurrence of the same capitalised word in the document
    /// (`Langejans` alone, where `Delwyn J. Langejans` was a PER): names repeat.
    pub const DOC_RULE: u64 = 40;
    /// WordNet's kind of thing for the word as a common noun (with its case), as a proper
    /// noun, as a longer proper noun's first or last word; and for a run's last word.
    pub const SENSE: u64 = 41;
    pub const SENSE_PROPER: u64 = 42;
    pub const SENSE_PROPER_FIRST: u64 = 43;
    pub const SENSE_PROPER_LAST: u64 = 44;
    pub const RUN_HEAD_SENSE: u64 = 45;
}

/// Sentinel values of neighbours past the sentence's edges.
const BEFORE: u64 = 0x5eed_0001;
const AFTER: u64 = 0x5eed_0002;

/// splitmix64's finaliser over a template and a value: one multiply-xorshift chain, well
/// spread, so that features index an open-addressing table directly.
#[inline]
pub(crate) fn mix(template: u64, value: u64) -> u64 {
    let mut z = value ^ template.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
fn mix2(template: u64, a: u64, b: u64) -> u64 {
    mix(
        template,
        a ^ b.rotate_left(23).wrapping_mul(0x2545_f491_4f6c_dd1d),
    )
}

/// A label with its place in the span: `B-` (first token) or `I-`.
fn positioned(label: &str, first: bool) -> u64 {
    hash_word(label.as_bytes()) ^ if first { 0xb } else { 0x1 }
}

/// The feature of a token inside the rules' entity labelled `label` (`first`: its first token).
pub(crate) fn rule_feature(label: &str, first: bool) -> u64 {
    mix(template::RULE, positioned(label, first))
}

/// The feature of a token at the rules' trigger of `event_type`.
pub(crate) fn trigger_feature(event_type: &str, first: bool) -> u64 {
    mix(template::TRIGGER_RULE, positioned(event_type, first))
}

/// Per-token values computed once and shared by the token's and its neighbours' features.
#[derive(Clone, Copy, Default)]
struct Keys {
    lower: u64,
    shape: u64,
    /// The rules' entity at the token, positioned; 0 for none.
    rule: u64,
    rule_name: u64,
    trigger_rule: u64,
    /// What the general word lists say of the word.
    know: Known,
}

/// The features of every token of a document: those of its word (see [`Words`]), then those
/// of its context, flat: token `i` has `context[starts[i]..starts[i + 1]]`.
#[derive(Default)]
pub(crate) struct Features {
    context: Vec<u64>,
    starts: Vec<u32>,
    /// Each token's word, in `words`.
    word_of: Vec<u32>,
    words: Words,
    keys: Vec<Keys>,
    /// (token, value) of every rule candidate at a token, sorted.
    seen: Vec<(usize, u64)>,
    /// Per token of the current sentence, the run of capitalised words it is in.
    runs: Vec<Option<(usize, usize)>>,
    /// (lower-case hash, rule label hash) of every capitalised word inside a rule entity,
    /// sorted and deduplicated.
    doc_rules: Vec<(u64, u64)>,
}

impl Features {
    /// Every feature of token `i`: its word's, then its context's.
    pub(crate) fn token(&self, i: usize) -> impl Iterator<Item = u64> + '_ {
        let word = self.word(i);
        self.words
            .features(word)
            .iter()
            .chain(self.context(i))
            .copied()
    }

    /// Token `i`'s word, an index into [`Features::word_features`], kept as long as
    /// [`Features::words_id`] stays the same (across documents).
    pub(crate) fn word(&self, i: usize) -> usize {
        self.word_of[i] as usize
    }

    /// The features of word `word`: the first of each of its tokens' [`Features::token`].
    pub(crate) fn word_features(&self, word: usize) -> &[u64] {
        self.words.features(word)
    }

    /// The features of token `i` besides its word's: the rest of [`Features::token`].
    pub(crate) fn context(&self, i: usize) -> &[u64] {
        &self.context[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// How many words [`Features::word`] numbers.
    pub(crate) fn word_count(&self) -> usize {
        self.words.keys.len()
    }

    /// Changes when the words are numbered afresh: what is cached per word must be dropped.
    pub(crate) fn words_id(&self) -> u64 {
        self.words.id
    }

    /// [`lower_hash`] of token `i`.
    pub(crate) fn lower(&self, i: usize) -> u64 {
        self.keys[i].lower
    }

    /// Computes the features of `doc`'s tokens, given the rules' kept entities, every
    /// candidate they proposed, and the triggers they kept (each sorted by start).
    pub(crate) fn extract(
        &mut self,
        doc: &Doc,
        entities: &[Candidate],
        candidates: &[Candidate],
        triggers: &[TriggerHit],
    ) {
        let n = doc.tokens.len();
        self.context.clear();
        self.starts.clear();
        self.word_of.clear();
        self.keys.clear();
        self.words.begin();
        for i in 0..n {
            let word = self.words.of(doc, i);
            self.word_of.push(word);
            let w = &self.words.keys[word as usize];
            self.keys.push(Keys {
                lower: w.lower,
                shape: w.shape,
                know: w.know,
                ..Keys::default()
            });
        }
        self.doc_rules.clear();
        for e in entities {
            let label = hash_word(e.label.as_bytes());
            for i in e.start..e.end.min(n) {
                let k = &mut self.keys[i];
                k.rule = positioned(e.label, i == e.start);
                k.rule_name = mix(k.rule, hash_word(e.rule.as_bytes()));
                if has_capitals(doc, i) {
                    self.doc_rules.push((k.lower, label));
                }
            }
        }
        self.doc_rules.sort_unstable();
        self.doc_rules.dedup();
        self.seen.clear();
        for g in candidates {
            for i in g.start..g.end.min(n) {
                self.seen.push((
                    i,
                    mix(
                        positioned(g.label, i == g.start),
                        hash_word(g.rule.as_bytes()),
                    ),
                ));
            }
        }
        self.seen.sort_unstable();
        let mut seen_at = 0;
        for t in triggers {
            for i in t.start..t.end.min(n) {
                self.keys[i].trigger_rule = positioned(t.event_type, i == t.start);
            }
        }
        for sentence in &doc.sentences {
            let range = sentence.tokens.clone();
            // Runs of capitalised words, as (start, end) per token inside one.
            self.runs.clear();
            self.runs.resize(range.len(), None);
            let capitalised = |i: usize| {
                doc.tokens[i].kind == TokenKind::Word
                    && matches!(doc.tokens[i].case, Case::Title | Case::Upper)
            };
            let mut i = range.start;
            while i < range.end {
                if !capitalised(i) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < range.end && capitalised(i) {
                    i += 1;
                }
                for r in &mut self.runs[start - range.start..i - range.start] {
                    *r = Some((start, i));
                }
            }
            for i in range.clone() {
                self.starts.push(self.context.len() as u32);
                let at = |j: Option<usize>, edge: u64, f: fn(&Keys) -> u64| {
                    j.filter(|j| range.contains(j))
                        .map_or(edge, |j| f(&self.keys[j]))
                };
                let prev = i.checked_sub(1);
                let next = Some(i + 1);
                let k = self.keys[i];
                let lower_prev = at(prev, BEFORE, |k| k.lower);
                let lower_next = at(next, AFTER, |k| k.lower);
                let shape_prev = at(prev, BEFORE, |k| k.shape);
                let shape_next = at(next, AFTER, |k| k.shape);
                let rule_prev = at(prev, BEFORE, |k| k.rule);
                let rule_next = at(next, AFTER, |k| k.rule);
                let v = &mut self.context;
                v.push(mix(template::LOWER_PREV, lower_prev));
                v.push(mix(template::LOWER_NEXT, lower_next));
                v.push(mix(
                    template::LOWER_PREV2,
                    at(i.checked_sub(2), BEFORE, |k| k.lower),
                ));
                v.push(mix(
                    template::LOWER_NEXT2,
                    at(Some(i + 2), AFTER, |k| k.lower),
                ));
                v.push(mix(template::SHAPE_PREV, shape_prev));
                v.push(mix(template::SHAPE_NEXT, shape_next));
                v.push(mix2(template::BIGRAM_PREV, lower_prev, k.lower));
                v.push(mix2(template::BIGRAM_NEXT, k.lower, lower_next));
                v.push(mix2(
                    template::SHAPES_AROUND,
                    shape_prev,
                    mix2(0, k.shape, shape_next),
                ));
                let case = doc.tokens[i].case as u64;
                if let Some(p) = prev.filter(|p| range.contains(p)) {
                    push_bits(template::KNOW_PREV, u32::from(self.keys[p].know.bits), v);
                }
                if range.contains(&(i + 1)) {
                    push_bits(
                        template::KNOW_NEXT,
                        u32::from(self.keys[i + 1].know.bits),
                        v,
                    );
                }
                if has_capitals(doc, i) {
                    let first = self.doc_rules.partition_point(|&(w, _)| w < k.lower);
                    for &(_, label) in self.doc_rules[first..]
                        .iter()
                        .take_while(|&&(w, _)| w == k.lower)
                    {
                        v.push(mix2(template::DOC_RULE, label, u64::from(k.rule != 0)));
                    }
                }
                if let Some(p) = prev.filter(|p| range.contains(p)) {
                    push_bits(template::FLAG_PREV, doc.infos[p].flags, v);
                }
                v.push(mix(template::RULE, k.rule));
                if k.rule != 0 {
                    v.push(mix(template::RULE_NAME, k.rule_name));
                    v.push(mix2(template::RULE_SHAPE, k.rule, k.shape));
                    v.push(mix2(template::RULE_LOWER, k.rule, k.lower));
                }
                v.push(mix(template::RULE_PREV, rule_prev));
                v.push(mix(template::RULE_NEXT, rule_next));
                while seen_at < self.seen.len() && self.seen[seen_at].0 < i {
                    seen_at += 1;
                }
                while seen_at < self.seen.len() && self.seen[seen_at].0 == i {
                    v.push(mix(template::CANDIDATE, self.seen[seen_at].1));
                    seen_at += 1;
                }
                if i == range.start {
                    v.push(mix(template::FIRST, case));
                }
                if has_capitals(doc, i) && doc.has_lower_form(doc.word(i)) {
                    v.push(mix(template::LOWER_SEEN, u64::from(i == range.start)));
                }
                if doc.tokens[i].gap >= Gap::Newline {
                    v.push(mix(template::GAP, case));
                }
                if k.trigger_rule != 0 {
                    v.push(mix(template::TRIGGER_RULE, k.trigger_rule));
                }
                if let Some((start, end)) = self.runs[i - range.start] {
                    v.push(mix(template::RUN_HEAD, self.keys[end - 1].lower));
                    v.push(mix(
                        template::RUN_BEFORE,
                        at(start.checked_sub(1), BEFORE, |k| k.lower),
                    ));
                    v.push(mix(template::RUN_AFTER, at(Some(end), AFTER, |k| k.lower)));
                    v.push(mix(template::RUN_LENGTH, (end - start).min(4) as u64));
                    let head_sense = self.keys[end - 1].know.common;
                    if head_sense != 0 {
                        v.push(mix2(
                            template::RUN_HEAD_SENSE,
                            u64::from(head_sense),
                            u64::from(i + 1 == end),
                        ));
                    }
                }
                let trigger_prev = at(prev, BEFORE, |k| k.trigger_rule);
                if trigger_prev != 0 {
                    v.push(mix(template::TRIGGER_RULE_PREV, trigger_prev));
                }
            }
        }
        self.starts.push(self.context.len() as u32);
        // Tokens outside every sentence (none with the current splitter) get no features.
        debug_assert_eq!(self.starts.len(), n + 1);
    }
}

/// Whether token `i` is a word that starts with a capital (`Seoul`, `NATO`; not `eBay`).
fn has_capitals(doc: &Doc, i: usize) -> bool {
    doc.tokens[i].case != Case::Lower && doc.tokens[i].kind == TokenKind::Word
}

/// A number no other call gives in this process, to tell apart what caches are made of.
pub(crate) fn unique_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// How many distinct words [`Words`] keeps from one document to the next before it starts
/// afresh: those of a few hundred news articles, about 5 MB with their features.
const WORDS_KEPT: usize = 1 << 15;

/// The features of a word that depend on its text alone (its case, shape and affixes, what
/// the lexicon and the word lists say of it), computed once per distinct word and kept from
/// one document to the next: most of a text's tokens are words it or an earlier one used,
/// and a labeller can keep what it sums for each word while `id` stays the same. Every
/// engine's lexicon is built from the bundled lists alone, so a word's features never change.
#[derive(Default)]
struct Words {
    /// Key (the text's hash with the token's kind and case) -> word.
    index: FastMap<u64, u32>,
    keys: Vec<WordKeys>,
    /// Each word's text, flat: word `w` has `text[text_starts[w]..text_starts[w + 1]]`.
    text: String,
    text_starts: Vec<u32>,
    values: Vec<u64>,
    starts: Vec<u32>,
    /// 0 until the first document.
    id: u64,
    lower: String,
}

#[derive(Clone, Copy)]
struct WordKeys {
    lower: u64,
    shape: u64,
    know: Known,
    kind: TokenKind,
    case: Case,
}

impl Words {
    /// Starts afresh, under a new id, on the first document and once the words kept pass
    /// [`WORDS_KEPT`].
    fn begin(&mut self) {
        if self.id != 0 && self.keys.len() <= WORDS_KEPT {
            return;
        }
        self.index.clear();
        self.keys.clear();
        self.text.clear();
        self.text_starts.clear();
        self.text_starts.push(0);
        self.values.clear();
        self.starts.clear();
        self.starts.push(0);
        self.id = unique_id();
    }

    fn features(&self, word: usize) -> &[u64] {
        &self.values[self.starts[word] as usize..self.starts[word + 1] as usize]
    }

    fn text(&self, word: usize) -> &str {
        &self.text[self.text_starts[word] as usize..self.text_starts[word + 1] as usize]
    }

    /// The word of token `i` of `doc`, added if it is new.
    fn of(&mut self, doc: &Doc, i: usize) -> u32 {
        let token = &doc.tokens[i];
        let text = doc.word(i);
        let hash = hash_word(text.as_bytes());
        // A different word under the same key (a hash collision) takes the next key.
        let mut key = mix(token.kind as u64 | (token.case as u64) << 8, hash);
        while let Some(&word) = self.index.get(&key) {
            let k = &self.keys[word as usize];
            if self.text(word as usize) == text && k.kind == token.kind && k.case == token.case {
                return word;
            }
            key = key.wrapping_add(1);
        }
        let word = self.keys.len() as u32;
        self.index.insert(key, word);
        self.text.push_str(text);
        self.text_starts.push(self.text.len() as u32);
        let lower = lower_into(text, &mut self.lower);
        let lower_hash = hash_word(lower.as_bytes());
        let know = match token.kind {
            TokenKind::Word => Knowledge::get().of(lower_hash),
            _ => Known::default(),
        };
        let shape = shape(text, token.kind);
        let v = &mut self.values;
        v.push(mix(template::BIAS, 0));
        v.push(mix(template::WORD, hash));
        v.push(mix(template::LOWER, lower_hash));
        v.push(mix(template::SHAPE, shape));
        push_affixes(lower, v);
        let case = token.case as u64;
        push_bits(mix(template::KNOW, case), u32::from(know.bits), v);
        for (template, sense) in [
            (mix(template::SENSE, case), know.common),
            (mix(template::SENSE_PROPER, case), know.proper),
            (template::SENSE_PROPER_FIRST, know.proper_first),
            (template::SENSE_PROPER_LAST, know.proper_last),
        ] {
            if sense != 0 {
                v.push(mix(template, u64::from(sense)));
            }
        }
        let info = doc.infos[i];
        push_bits(template::FLAG, info.flags, v);
        if let Some(head) = info.head {
            v.push(mix(template::HEAD, hash_word(head.as_str().as_bytes())));
        }
        v.push(mix(template::KIND, token.kind as u64));
        if info.triggers != 0 {
            for t in &doc.lexicon.triggers[usize::from(info.triggers) - 1] {
                v.push(mix(
                    template::TRIGGER_LEXICON,
                    hash_word(t.event_type.as_bytes()),
                ));
            }
        }
        self.starts.push(v.len() as u32);
        self.keys.push(WordKeys {
            lower: lower_hash,
            shape,
            know,
            kind: token.kind,
            case: token.case,
        });
        word
    }
}

/// The hash of `word` in lower case, as [`Features::lower`] has it.
pub(crate) fn lower_hash(word: &str) -> u64 {
    hash_word(lower_into(word, &mut String::new()).as_bytes())
}

/// `word` in lower case, in `buf` (kept to avoid an allocation per token).
fn lower_into<'b>(word: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    buf
}

/// Prefixes of 1-3 chars and suffixes of 1-4 chars, each with its length.
fn push_affixes(lower: &str, out: &mut Vec<u64>) {
    let bytes = lower.as_bytes();
    let prefix_ends = lower
        .char_indices()
        .skip(1)
        .map(|(b, _)| b)
        .chain([bytes.len()]);
    for (len, end) in prefix_ends.take(3).enumerate() {
        out.push(mix(template::AFFIX, hash_word(&bytes[..end]) ^ len as u64));
    }
    for (len, (start, _)) in lower.char_indices().rev().take(4).enumerate() {
        out.push(mix(
            template::AFFIX,
            hash_word(&bytes[start..]) ^ (0x10 + len as u64),
        ));
    }
}

fn push_bits(template: u64, mut bits: u32, out: &mut Vec<u64>) {
    while bits != 0 {
        let bit = bits.trailing_zeros();
        out.push(mix(template, u64::from(bit)));
        bits &= bits - 1;
    }
}

/// The word's shape with runs collapsed: `Seoul` -> `Xx`, `G20` -> `Xd`, `U.S.` -> `X.X.`,
/// `Ji-won` -> `Xx-x`, `1,000` -> `d,d`; hashtags and mentions keep their sign.
fn shape(word: &str, kind: TokenKind) -> u64 {
    let mut h: u64 = kind as u64;
    let mut last = '\0';
    for c in word.chars().take(24) {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            // Scripts without case (Hangul, CJK).
            'a'
        } else {
            c
        };
        if class != last {
            h = mix(h, u64::from(class));
            last = class;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_collapse_runs_and_keep_punctuation() {
        let s = |w: &str| shape(w, TokenKind::Word);
        assert_eq!(s("Seoul"), s("Busan"));
        assert_eq!(s("U.S."), s("U.K."));
        assert_ne!(s("U.S."), s("US"));
        assert_ne!(s("Seoul"), s("seoul"));
        assert_eq!(s("서울"), s("東京"));
    }

    #[test]
    fn names_the_lists_know_share_a_feature_no_training_needs_to_show() {
        use crate::annotate::Engine;
        use crate::annotate::learn::knowledge::bit;
        let first_name = mix(
            mix(template::KNOW, Case::Title as u64),
            u64::from(bit::FIRST_NAME.trailing_zeros()),
        );
        Engine::new().analyse("Yesterday Thaddeus and Mildred met Quartz.", true, |a| {
            let mut features = Features::default();
            features.extract(a.doc, a.entities, a.seen, a.triggers);
            let has = |word: &str| {
                let i = (0..a.doc.tokens.len())
                    .find(|&i| a.doc.word(i) == word)
                    .unwrap();
                features.token(i).any(|f| f == first_name)
            };
            assert!(has("Thaddeus") && has("Mildred"));
            assert!(!has("Quartz") && !has("Yesterday"));
        });
    }

    #[test]
    fn a_tokens_features_do_not_depend_on_the_documents_before() {
        use crate::annotate::Engine;
        let engine = Engine::new();
        let all = |features: &mut Features, text: &str| {
            let mut out = Vec::new();
            engine.analyse(text, true, |a| {
                features.extract(a.doc, a.entities, a.seen, a.triggers);
                out = (0..a.doc.tokens.len())
                    .map(|i| features.token(i).collect::<Vec<u64>>())
                    .collect();
            });
            out
        };
        let text = "Seoul’s talks resumed. Park Ji-won (박지원) met envoys in Seoul on Friday.";
        let fresh = all(&mut Features::default(), text);
        let mut features = Features::default();
        all(
            &mut features,
            "Talks in SEOUL and seoul; Park met Ji-won in 東京.",
        );
        let id = features.words_id();
        assert_eq!(all(&mut features, text), fresh);
        assert_eq!(features.words_id(), id, "the words were kept");
        // Past the words kept, they are numbered afresh, with the same features.
        let many: String = (0..=WORDS_KEPT).map(|k| format!("w{k} ")).collect();
        all(&mut features, &many);
        assert_eq!(all(&mut features, text), fresh);
        assert_ne!(features.words_id(), id);
    }

    #[test]
    fn affixes_count_chars_not_bytes() {
        let mut a = Vec::new();
        push_affixes("서울시", &mut a);
        // 3 prefixes and 3 suffixes (the word has 3 chars).
        assert_eq!(a.len(), 6);
        let mut b = Vec::new();
        push_affixes("seoul", &mut b);
        assert_eq!(b.len(), 7);
    }
}
