//! Pre-annotation: tokens and sentences, gazetteers and rules for entities, event triggers and
//! their arguments. Pure functions of the text: [`Engine::annotate`] returns [`Proposals`], and
//! [`suggestion_edit`] turns them into one undoable edit of suggested annotations.
//!
//! All spans are char offsets, half-open, and fall on token boundaries.

mod dictionary;
mod entities;
pub mod eval;
mod events;
pub mod learn;
mod lexicon;
pub mod markup;
mod sections;
mod suggest;
mod tokens;

pub use dictionary::{Dictionary, DictionaryError};
pub use sections::{join as join_sections, sections};
pub use suggest::{ENGINE_NAME, is_untouched, refresh_edit, suggestion_edit};
pub use tokens::{Case, Gap, Sentence, Token, TokenKind, sentences, tokenize};

use std::cell::RefCell;
use std::mem;
use std::ops::Range;
use std::sync::Arc;

use crate::model::{DictionaryPattern, Schema, Span};
use entities::{Candidate, NameBuffers, ResolveBuffers, WordFilter};
use events::TriggerHit;
use learn::Model;
use lexicon::{Lexicon, Trigger, WordInfo, hash_word};

/// A proposed entity.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedEntity {
    /// Chars `[start, end)` of the text.
    pub span: Span,
    pub label: &'static str,
    /// The rule or lexicon that made it (`title`, `countries`, `date`…), for the GUI to explain.
    pub rule: &'static str,
    /// How sure the rule is, in `[0, 1]`.
    pub score: f32,
}

/// A proposed event argument: a role filled by one of the proposed entities.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedArgument {
    pub role: &'static str,
    /// Index into [`Proposals::entities`].
    pub entity: usize,
}

/// A proposed event.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedEvent {
    /// Chars `[start, end)` of the trigger word(s).
    pub trigger: Span,
    /// ACE `Type:Subtype` of the default schema.
    pub event_type: &'static str,
    pub rule: &'static str,
    pub score: f32,
    pub arguments: Vec<ProposedArgument>,
}

/// What the engine proposes for one text: entities sorted by start, non-overlapping; events
/// sorted by trigger.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proposals {
    pub entities: Vec<ProposedEntity>,
    pub events: Vec<ProposedEvent>,
}

/// The pre-annotation engine. Built once (lexicons and automata are compiled here), then
/// shared: it is `Send + Sync` and [`Engine::annotate`] takes `&self`. With a project's
/// [`Model`] attached ([`Engine::with_model`]) it proposes what the model learned.
pub struct Engine {
    lexicon: Lexicon,
    roles: events::RoleTable,
    dictionary: Option<Dictionary>,
    model: Option<Arc<Model>>,
}

/// What the rules make of one text, for the learner: the prepared text, the kept entities
/// (sorted by start, non-overlapping), every candidate the recognisers proposed before the
/// overlap policy chose (when asked for; sorted by start), and the kept triggers; all over
/// token indices.
pub(crate) struct Analysis<'a, 't> {
    pub doc: &'a Doc<'t>,
    pub entities: &'a [Candidate],
    pub seen: &'a [Candidate],
    pub triggers: &'a [TriggerHit],
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// The engine with the built-in lexicons and the default news schema's event roles.
    pub fn new() -> Self {
        Self {
            lexicon: Lexicon::new(),
            roles: events::RoleTable::new(&Schema::news()),
            dictionary: None,
            model: None,
        }
    }

    /// The engine with a project's dictionary patterns, if it has any (an empty dictionary
    /// would still cost a pass over every text).
    pub fn with_patterns(patterns: &[DictionaryPattern]) -> Self {
        let engine = Self::new();
        if patterns.is_empty() {
            engine
        } else {
            engine.with_dictionary(Dictionary::new(patterns))
        }
    }

    /// Attaches a project dictionary, whose patterns win over every built-in rule.
    pub fn with_dictionary(mut self, dictionary: Dictionary) -> Self {
        self.dictionary = Some(dictionary);
        self
    }

    /// Attaches a project's model (see [`learn`]); an empty model changes nothing.
    pub fn with_model(mut self, model: Arc<Model>) -> Self {
        self.model = (!model.is_empty()).then_some(model);
        self
    }

    /// The attached model, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_deref()
    }

    /// Proposes entities and events for `text`, with the attached model if there is one.
    pub fn annotate(&self, text: &str) -> Proposals {
        self.annotate_with(text, self.model.as_deref())
    }

    /// Proposes entities and events for `text` with `model` instead of the attached one
    /// (`None`: the rules alone), one [section](sections) after another.
    pub fn annotate_with(&self, text: &str, model: Option<&Model>) -> Proposals {
        let parts = sections(text)
            .into_iter()
            .map(|range| {
                let proposals = self.read_section(&text[range.clone()], model);
                (range, proposals)
            })
            .collect();
        join_sections(text, parts)
    }

    /// The proposals for one of [`sections`]`(text)`, with the attached model, in the
    /// section's own char offsets: [`join_sections`] puts them together, so that the sections
    /// of a long text can be read on several threads.
    pub fn annotate_section(&self, text: &str, section: Range<usize>) -> Proposals {
        self.read_section(&text[section], self.model.as_deref())
    }

    fn read_section(&self, text: &str, model: Option<&Model>) -> Proposals {
        match model.filter(|m| !m.is_empty()) {
            Some(model) => self.analyse(text, true, |analysis| model.propose(self, &analysis)),
            None => self.analyse(text, false, |analysis| {
                let events = events::link(
                    analysis.doc,
                    &self.roles,
                    analysis.entities,
                    analysis.triggers,
                );
                let entities = analysis
                    .entities
                    .iter()
                    .map(|c| ProposedEntity {
                        span: analysis.doc.span(c.start, c.end),
                        label: c.label,
                        rule: c.rule,
                        score: c.score,
                    })
                    .collect();
                Proposals { entities, events }
            }),
        }
    }

    /// The event types the trigger lexicon lists for a trigger starting with `word`, most
    /// likely first, each once (`talks` -> `Contact:Meet`).
    pub fn trigger_types(&self, word: &str) -> Vec<&'static str> {
        let info = self.lexicon.info(&word.to_lowercase());
        let mut types: Vec<&'static str> = Vec::new();
        if info.triggers != 0 {
            for t in &self.lexicon.triggers[usize::from(info.triggers) - 1] {
                if !types.contains(&t.event_type) {
                    types.push(t.event_type);
                }
            }
        }
        types
    }

    /// Whether the rules (or the dictionary) can propose `label`.
    pub(crate) fn knows_label(&self, label: &str) -> bool {
        lexicon::Label::ALL.iter().any(|l| l.as_str() == label)
            || self
                .dictionary
                .as_ref()
                .is_some_and(|d| d.labels().any(|l| l == label))
    }

    /// Whether the argument linker knows the roles of `event_type`.
    pub(crate) fn knows_event_type(&self, event_type: &str) -> bool {
        self.roles.knows(event_type)
    }

    /// Runs the rules on `text` and hands what they found to `f`; with `keep_candidates`,
    /// every candidate before the overlap policy too.
    pub(crate) fn analyse<R>(
        &self,
        text: &str,
        keep_candidates: bool,
        f: impl FnOnce(Analysis) -> R,
    ) -> R {
        let mut buffers = DocBuffers::take();
        let mut scratch = mem::take(&mut buffers.scratch);
        let Scratch {
            candidates,
            gazetteer: names_found,
            seen,
            names,
            resolve,
        } = &mut scratch;
        candidates.clear();
        names_found.clear();
        seen.clear();
        let doc = Doc::new(text, &self.lexicon, buffers);
        if let Some(dictionary) = &self.dictionary {
            dictionary.find(&doc, candidates);
        }
        entities::values(&doc, candidates);
        entities::credits(&doc, candidates);
        entities::gazetteer(&doc, &self.lexicon, names_found);
        entities::names(&doc, names_found, names, candidates);
        candidates.append(names_found);
        if keep_candidates {
            seen.extend_from_slice(candidates);
            seen.sort_by_key(|c| c.start);
        }
        // From here on `candidates` holds the kept ones.
        entities::resolve(candidates, resolve);
        entities::native_script(&doc, candidates);
        let triggers = events::rule_triggers(&doc, &self.lexicon, candidates);
        let result = f(Analysis {
            doc: &doc,
            entities: candidates,
            seen,
            triggers: &triggers,
        });
        doc.recycle(scratch);
        result
    }
}

/// The working buffers of [`Engine::annotate`], kept empty per thread between calls:
/// allocating and freeing them for every text made the allocator consolidate its free lists
/// each time, which cost more than the recognisers that use them. Those that borrow the text or
/// the engine are kept for the `'static` lifetime, and emptied with [`emptied`] to be so.
#[derive(Default)]
struct DocBuffers {
    tokens: Vec<Token>,
    words: Vec<&'static str>,
    infos: Vec<WordInfo>,
    sentences: Vec<Sentence>,
    lower_words: WordFilter,
    scratch: Scratch,
}

/// The recognisers' buffers, which borrow nothing.
#[derive(Default)]
struct Scratch {
    candidates: Vec<Candidate>,
    gazetteer: Vec<Candidate>,
    /// Every candidate before the overlap policy, for the learner.
    seen: Vec<Candidate>,
    names: NameBuffers,
    resolve: ResolveBuffers,
}

/// `v` emptied and retyped for another lifetime, with its allocation: collecting a Vec's own
/// iterator into a Vec of a same-sized type reuses its buffer.
fn emptied<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// The most tokens whose buffers are kept between calls: a text of about 300 KB.
const KEPT_TOKENS_MAX: usize = 1 << 16;

thread_local! {
    /// `None` until the thread's first text, and while a [`Doc`] holds the buffers.
    static DOC_BUFFERS: RefCell<Option<DocBuffers>> = const { RefCell::new(None) };
}

impl DocBuffers {
    /// The thread's buffers, or new ones (on its first call, or if a `Doc` has them).
    fn take() -> Self {
        DOC_BUFFERS
            .with_borrow_mut(Option::take)
            .unwrap_or_default()
    }

    /// Keeps the buffers for the thread's next text, unless a long text grew them past
    /// [`KEPT_TOKENS_MAX`]: those are freed, not held for the thread's life.
    fn keep(self) {
        if self.tokens.capacity() <= KEPT_TOKENS_MAX {
            DOC_BUFFERS.with_borrow_mut(|buffers| *buffers = Some(self));
        }
    }
}

/// One text prepared for the recognisers: tokens, what the lexicon says of each, sentences.
pub(crate) struct Doc<'t> {
    text: &'t str,
    lexicon: &'t Lexicon,
    tokens: Vec<Token>,
    /// Each token's text, sliced once: the rules read words far more often than tokens.
    words: Vec<&'t str>,
    infos: Vec<WordInfo>,
    sentences: Vec<Sentence>,
    /// The words the document uses in lower case.
    lower_words: WordFilter,
}

impl<'t> Doc<'t> {
    /// Prepares `text` in `buffers`, which it clears first; [`Doc::recycle`] gives them back.
    fn new(text: &'t str, lexicon: &'t Lexicon, buffers: DocBuffers) -> Self {
        let DocBuffers {
            mut tokens,
            mut words,
            mut infos,
            mut sentences,
            mut lower_words,
            ..
        } = buffers;
        tokens::tokenize_into(text, &mut tokens);
        words.clear();
        words.reserve(tokens.len());
        infos.clear();
        infos.reserve(tokens.len());
        lower_words.clear();
        // One pass per token: its text, its lexicon entry and, for a lower-case word, its place
        // in the filter, all from one hash.
        for t in &tokens {
            let word = t.text(text);
            words.push(word);
            infos.push(match t.kind {
                TokenKind::Word => {
                    let hash = hash_word(word.as_bytes());
                    if t.case == Case::Lower {
                        lower_words.insert(hash);
                    }
                    lexicon.info_hashed(word, hash)
                }
                TokenKind::Tag => lexicon.info(word.get(1..).unwrap_or("")),
                _ => WordInfo::default(),
            });
        }
        tokens::sentences_into(text, &tokens, &mut sentences);
        Self {
            text,
            lexicon,
            tokens,
            words,
            infos,
            sentences,
            lower_words,
        }
    }

    /// Hands the buffers back for the thread's next text, with those of the recognisers.
    fn recycle(self, scratch: Scratch) {
        DocBuffers {
            tokens: self.tokens,
            words: emptied(self.words),
            infos: self.infos,
            sentences: self.sentences,
            lower_words: self.lower_words,
            scratch,
        }
        .keep();
    }

    /// The trigger lexicon's entries starting at token `i`.
    fn trigger_entries(&self, i: usize) -> &'t [Trigger] {
        match self.infos.get(i).map(|info| info.triggers) {
            Some(t) if t != 0 => &self.lexicon.triggers[usize::from(t) - 1],
            _ => &[],
        }
    }

    /// Whether the document uses `word` in lower case somewhere (a filter: rarely a false yes).
    fn has_lower_form(&self, word: &str) -> bool {
        self.lower_words.contains(entities::lower_hash(word))
    }

    /// What the lexicon says of any word.
    fn lexicon_info(&self, word: &str) -> WordInfo {
        self.lexicon.info(word)
    }

    /// The text of token `i`.
    #[inline]
    fn word(&self, i: usize) -> &'t str {
        self.words.get(i).copied().unwrap_or("")
    }

    /// The text from token `start` to token `end - 1` inclusive.
    fn span_text(&self, start: usize, end: usize) -> &'t str {
        match (
            self.tokens.get(start),
            end.checked_sub(1).and_then(|e| self.tokens.get(e)),
        ) {
            (Some(a), Some(b)) => self.text.get(a.bytes.start..b.bytes.end).unwrap_or(""),
            _ => "",
        }
    }

    /// Chars `[start, end)` covered by tokens `[start, end)`.
    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.tokens[start].span.start,
            end: self.tokens[end - 1].span.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }
}
