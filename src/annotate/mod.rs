//! Pre-annotation: tokens and sentences, gazetteers and rules for entities, event triggers and
//! their arguments. Pure functions of the text: [`Engine::annotate`] returns [`Proposals`], and
//! [`suggestion_edit`] turns them into one undoable edit of suggested annotations.
//!
//! All spans are char offsets, half-open, and fall on token boundaries.

mod dictionary;
mod entities;
pub mod eval;
mod events;
mod lexicon;
pub mod markup;
mod suggest;
mod tokens;

pub use dictionary::{Dictionary, DictionaryError};
pub use suggest::{ENGINE_NAME, suggestion_edit};
pub use tokens::{Case, Gap, Sentence, Token, TokenKind, sentences, tokenize};

use crate::model::{Schema, Span};
use entities::WordFilter;
use lexicon::{Lexicon, WordInfo, hash_word};

/// A proposed entity.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedEntity {
    /// Chars `[start, end)` of the text.
    pub span: Span,
    pub label: String,
    /// The rule or lexicon that made it (`title`, `countries`, `date`…), for the GUI to explain.
    pub rule: String,
    /// How sure the rule is, in `[0, 1]`.
    pub score: f32,
}

/// A proposed event argument: a role filled by one of the proposed entities.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedArgument {
    pub role: String,
    /// Index into [`Proposals::entities`].
    pub entity: usize,
}

/// A proposed event.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedEvent {
    /// Chars `[start, end)` of the trigger word(s).
    pub trigger: Span,
    /// ACE `Type:Subtype` of the default schema.
    pub event_type: String,
    pub rule: String,
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
/// shared: it is `Send + Sync` and [`Engine::annotate`] takes `&self`.
pub struct Engine {
    lexicon: Lexicon,
    roles: events::RoleTable,
    dictionary: Option<Dictionary>,
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
        }
    }

    /// Attaches a project dictionary, whose patterns win over every built-in rule.
    pub fn with_dictionary(mut self, dictionary: Dictionary) -> Self {
        self.dictionary = Some(dictionary);
        self
    }

    /// Proposes entities and events for `text`.
    pub fn annotate(&self, text: &str) -> Proposals {
        let doc = Doc::new(text, &self.lexicon);
        let mut candidates = Vec::with_capacity(doc.tokens.len() / 4);
        if let Some(dictionary) = &self.dictionary {
            dictionary.find(&doc, &mut candidates);
        }
        entities::values(&doc, &mut candidates);
        entities::credits(&doc, &mut candidates);
        let mut gazetteer = Vec::new();
        entities::gazetteer(&doc, &self.lexicon, &mut gazetteer);
        entities::names(&doc, &gazetteer, &mut candidates);
        candidates.extend(gazetteer);
        let mut kept = entities::resolve(candidates, doc.tokens.len());
        entities::native_script(&doc, &mut kept);
        let events = events::find(&doc, &self.lexicon, &self.roles, &kept);
        let entities = kept
            .iter()
            .map(|c| ProposedEntity {
                span: doc.span(c.start, c.end),
                label: c.label.to_owned(),
                rule: c.rule.to_owned(),
                score: c.score,
            })
            .collect();
        Proposals { entities, events }
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
    fn new(text: &'t str, lexicon: &'t Lexicon) -> Self {
        let tokens = tokenize(text);
        let mut words = Vec::with_capacity(tokens.len());
        let mut infos = Vec::with_capacity(tokens.len());
        let mut lower_words = WordFilter::default();
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
        let sentences = sentences(text, &tokens);
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
