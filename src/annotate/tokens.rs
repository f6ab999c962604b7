//! Tokens and sentences, in char offsets.
//!
//! The tokenizer is a single forward pass written for news text: it keeps abbreviations
//! (`U.S.`, `Dr.`, `Nov.`), hyphenated names (`Ji-won`), numbers (`1,000`, `3.5`, `2+2`,
//! `14:05`), URLs, hashtags and mentions whole, and splits clitics the way spaCy and the
//! CoNLL corpora do (`Korea` `’s`, `do` `n't`). Sentences break at terminal punctuation and at
//! line breaks, so headlines and captions without a final period stand alone.

use std::ops::Range;

use crate::model::Span;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Starts with a letter: words, abbreviations with their period, clitics (`’s`, `n't`).
    Word,
    /// Starts with a digit: `2025`, `1,000`, `3.5`, `14:05`, `2+2`, `18yo`.
    Number,
    /// Punctuation: `.`, `,`, `“`, `—`, `(`; runs such as `...` or `?!` are one token.
    Punct,
    /// Anything else on its own: currency signs, `%`, `©`, emoji (a flag or a ZWJ sequence
    /// such as `👩‍🚒` whole).
    Symbol,
    /// `http://…`, `https://…`, `www.…` up to the next whitespace.
    Url,
    /// A hashtag or mention with its sign: `#UN`, `@Reuters`.
    Tag,
}

/// The capitalisation of a token's letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Case {
    /// First letter lower case: `talks`, `eBay`.
    Lower,
    /// First letter upper case and some lower case letter: `Seoul`, `McDonald`.
    Title,
    /// Upper case letters and no lower case: `IMF`, `U.S.`, `G20`, `A`.
    Upper,
    /// No cased letter: numbers, punctuation, CJK.
    Uncased,
}

/// The whitespace before a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gap {
    /// The token touches the previous one (or starts the text).
    None,
    /// Spaces or tabs, no line break.
    Space,
    /// Exactly one line break.
    Newline,
    /// Two or more line breaks: a paragraph boundary.
    Blank,
}

/// A token: a char-offset span of non-whitespace text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Chars `[start, end)` of the text; never empty, never containing whitespace.
    pub span: Span,
    /// The same token in bytes `[start, end)` of the text, to slice it without a `TextIndex`.
    pub bytes: Range<usize>,
    pub kind: TokenKind,
    pub case: Case,
    /// The whitespace between the previous token (or the start of the text) and this one.
    pub gap: Gap,
}

impl Token {
    /// The token's text in `text`, which must be the text it was made from.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.bytes.clone()).unwrap_or("")
    }
}

/// A sentence: a span of chars `[start, end)` from its first token's start to its last
/// token's end, and the indices of its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub tokens: Range<usize>,
}

/// Abbreviations that keep their period when a letter-only word matches one exactly.
const ABBREVIATIONS: &[&str] = &[
    "Adm", "Apr", "Aug", "Ave", "Blvd", "Brig", "Capt", "Cmdr", "Co", "Col", "Corp", "Cpl", "Dec",
    "Dept", "Det", "Dr", "Feb", "Fri", "Ft", "Gen", "Gov", "Hon", "Inc", "Insp", "Jan", "Jr",
    "Jul", "Jun", "Lt", "Ltd", "Maj", "Mar", "Mon", "Mr", "Mrs", "Ms", "Mt", "Nov", "Oct", "Pres",
    "Prof", "Pvt", "Rd", "Rep", "Rev", "Sat", "Sen", "Sep", "Sept", "Sgt", "Sr", "St", "Sun",
    "Supt", "Thu", "Thurs", "Tue", "Tues", "Univ", "Wed", "approx", "etc", "vs",
];

/// Abbreviations that always precede more of the same sentence (titles, months), so a
/// sentence never ends at them.
const PREFIX_ABBREVIATIONS: &[&str] = &[
    "Adm.", "Apr.", "Aug.", "Brig.", "Capt.", "Cmdr.", "Col.", "Cpl.", "Dec.", "Det.", "Dr.",
    "Feb.", "Gen.", "Gov.", "Hon.", "Insp.", "Jan.", "Jul.", "Jun.", "Lt.", "Maj.", "Mar.", "Mr.",
    "Mrs.", "Ms.", "Mt.", "Nov.", "Oct.", "Pres.", "Prof.", "Pvt.", "Rep.", "Rev.", "Sen.", "Sep.",
    "Sept.", "Sgt.", "St.", "Supt.", "vs.",
];

/// Capitalised words that begin a new sentence after an abbreviation ending in a period
/// (`… with the U.S. The talks …`).
const SENTENCE_STARTERS: &[&str] = &[
    "A", "After", "An", "And", "As", "At", "But", "He", "Her", "His", "I", "If", "In", "It", "Its",
    "On", "She", "That", "The", "Their", "There", "These", "They", "This", "Those", "We", "When",
    "While", "Yet",
];

/// A word of at most 7 bytes as one number (its length in the top byte), so that the word
/// lists above are looked up by binary search over integers rather than string by string.
const fn pack(word: &[u8]) -> Option<u64> {
    if word.len() > 7 {
        return None;
    }
    let mut key = (word.len() as u64) << 56;
    let mut i = 0;
    while i < word.len() {
        key |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    Some(key)
}

/// The packed keys of `words`, sorted.
const fn keys<const N: usize>(words: &[&str]) -> [u64; N] {
    let mut keys = [0; N];
    let mut i = 0;
    while i < N {
        keys[i] = match pack(words[i].as_bytes()) {
            Some(key) => key,
            None => panic!("word lists hold words of at most 7 bytes"),
        };
        // Insertion sort: these lists are short.
        let mut j = i;
        while j > 0 && keys[j - 1] > keys[j] {
            let t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    keys
}

fn in_list(keys: &[u64], word: &[u8]) -> bool {
    pack(word).is_some_and(|key| keys.binary_search(&key).is_ok())
}

const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = keys(ABBREVIATIONS);
const PREFIX_ABBREVIATION_KEYS: [u64; PREFIX_ABBREVIATIONS.len()] = keys(PREFIX_ABBREVIATIONS);
const SENTENCE_STARTER_KEYS: [u64; SENTENCE_STARTERS.len()] = keys(SENTENCE_STARTERS);

fn is_abbreviation(word: &[u8]) -> bool {
    in_list(&ABBREVIATION_KEYS, word)
}

/// Letters, digits and the marks that combine with them; not punctuation, symbols or spaces.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // General punctuation (curly quotes, dashes, spaces) is common: answer it first.
    if ('\u{2000}'..='\u{206F}').contains(&c) {
        return false;
    }
    // Hangul syllables and CJK ideographs, all letters, are common in Korean and Chinese names:
    // answer them before the slower general table.
    if matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric() {
        return true;
    }
    // Combining marks have no cheap std predicate: take whatever is not a space, a control or
    // in a punctuation or symbol block.
    !(c.is_whitespace() || c.is_control() || is_symbol_block(c))
}

fn is_symbol_block(c: char) -> bool {
    matches!(c as u32,
        0x00A1..=0x00BF | 0x00D7 | 0x00F7 | 0x2000..=0x2BFF | 0x3000..=0x303F
        | 0xFE00..=0xFE6F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65 | 0x1F000..=0x1FAFF)
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{2019}' | '\u{201D}' | ')' | ']' | '}' | '»' | '›' | '」' | '』'
    )
}

/// A cursor over the text that counts bytes and chars together.
struct Cursor<'a> {
    text: &'a str,
    byte: usize,
    char: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        let b = *self.text.as_bytes().get(self.byte)?;
        if b.is_ascii() {
            Some(b as char)
        } else {
            self.text[self.byte..].chars().next()
        }
    }

    /// Advances over ASCII letters and digits, the common case, a byte at a time.
    #[inline]
    fn skip_ascii_alphanumeric(&mut self) {
        let bytes = self.text.as_bytes();
        let start = self.byte;
        while self.byte < bytes.len() && bytes[self.byte].is_ascii_alphanumeric() {
            self.byte += 1;
        }
        self.char += self.byte - start;
    }

    /// The char `n` chars ahead (0 = current).
    fn peek_nth(&self, n: usize) -> Option<char> {
        self.text[self.byte..].chars().nth(n)
    }

    fn bump(&mut self, c: char) {
        self.byte += c.len_utf8();
        self.char += 1;
    }

    fn rest(&self) -> &str {
        &self.text[self.byte..]
    }
}

/// Splits `text` into tokens in char offsets: in order, non-overlapping, none containing
/// whitespace, together covering every non-whitespace char. Joiners and variation selectors
/// belong to the token they touch, so only one between whitespace is a token on its own.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// [`tokenize`] into `tokens`, which it clears first, so that a caller can reuse the buffer.
pub(crate) fn tokenize_into(text: &str, tokens: &mut Vec<Token>) {
    tokens.clear();
    tokens.reserve(text.len() / 5 + 1);
    let mut cur = Cursor {
        text,
        byte: 0,
        char: 0,
    };
    loop {
        let gap = skip_whitespace(&mut cur);
        if cur.byte == text.len() {
            break;
        }
        let (start_byte, start_char) = (cur.byte, cur.char);
        let first = text.as_bytes()[cur.byte];
        let (kind, case) = if first.is_ascii() {
            scan(&mut cur, char::from(first), start_byte)
        } else {
            // Joiners with nothing before them to modify go with the token they touch.
            skip_modifiers(&mut cur);
            match cur.peek().filter(|c| !c.is_whitespace()) {
                // Nothing else between whitespace: every non-whitespace char is in some token,
                // so this lone joiner is one.
                None => (TokenKind::Symbol, Case::Uncased),
                Some(first) => scan(&mut cur, first, start_byte),
            }
        };
        tokens.push(Token {
            span: Span {
                start: start_char,
                end: cur.char,
            },
            bytes: start_byte..cur.byte,
            kind,
            case,
            gap,
        });
    }
}

/// Advances over the token whose first char (past any joiners from `start_byte`) is `first`,
/// and the joiners and selectors that modify its end (`1️⃣`, `❤️`); says what it was.
#[inline]
fn scan(cur: &mut Cursor, first: char, start_byte: usize) -> (TokenKind, Case) {
    let text = cur.text;
    match plain_ascii_word(text.as_bytes(), cur.byte) {
        Some((end, case)) => {
            // An ASCII char follows: no joiner to take.
            cur.char += end - cur.byte;
            cur.byte = end;
            let kind = if first.is_ascii_digit() {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            (kind, case)
        }
        None if let Some(kind) = single_mark(text.as_bytes(), cur.byte) => {
            cur.byte += first.len_utf8();
            cur.char += 1;
            (kind, Case::Uncased)
        }
        None => {
            let kind = scan_token(cur, first);
            skip_modifiers(cur);
            match kind {
                // Non-word chars are never letters: no need to look at them again.
                TokenKind::Punct | TokenKind::Symbol => (kind, Case::Uncased),
                _ => (kind, case_of(&text[start_byte..cur.byte])),
            }
        }
    }
}

/// The kind of a one-char punctuation or symbol token at `start` (`,`, `.`, `(`, `$`, `“`, `—`)
/// that nothing can join: the common case after words, decided without the general rules of
/// [`scan_token`], which it must agree with. Signs that may start a tag, apostrophes that may
/// start a clitic, and marks followed by a char of a run (`...`) or by a possible modifier
/// are left to it.
#[inline]
fn single_mark(bytes: &[u8], start: usize) -> Option<TokenKind> {
    let (kind, len) = match *bytes.get(start)? {
        b'#' | b'@' | b'\'' => return None,
        b if b.is_ascii_punctuation() => {
            let kind = if is_punct(char::from(b)) {
                TokenKind::Punct
            } else {
                TokenKind::Symbol
            };
            (kind, 1)
        }
        // U+2012–U+2027 (dashes, curly quotes, bullets) but the clitic apostrophe U+2019:
        // always punctuation.
        0xE2 => match general_punctuation(bytes, start)? {
            0x2012..=0x2018 | 0x201A..=0x2027 => (TokenKind::Punct, 3),
            _ => return None,
        },
        _ => return None,
    };
    // Modifiers are never ASCII.
    match bytes.get(start + len) {
        None => Some(kind),
        Some(b'.' | b'-' | b'!' | b'?' | b'*' | b'=' | b'~' | b'_' | 0x80..) => None,
        Some(_) => Some(kind),
    }
}

/// The code point of the char at `at` when it is in General Punctuation (U+2000–U+207F),
/// read from its three UTF-8 bytes without decoding the general case.
#[inline]
fn general_punctuation(bytes: &[u8], at: usize) -> Option<u32> {
    match bytes.get(at..at + 3)? {
        &[0xE2, b1 @ (0x80 | 0x81), b2] => {
            Some(0x2000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F))
        }
        _ => None,
    }
}

/// Invisible chars that only modify the char before them: the joiners U+200C and U+200D,
/// the variation selectors U+FE00–FE0F and the keycap U+20E3. Never a token of their own.
fn is_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{20E3}'
    )
}

fn skip_modifiers(cur: &mut Cursor) {
    while let Some(c) = cur.peek().filter(|&c| is_modifier(c)) {
        cur.bump(c);
    }
}

/// Pictographs and the symbol blocks emoji are drawn from.
fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xA9 | 0xAE | 0x2122)
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Advances over the rest of an emoji that began with `first`: a flag's second regional
/// indicator, or the variation selectors, skin tones and joined emoji of a ZWJ sequence
/// (`👩🏽‍🚒`), so that it stays one token.
fn scan_emoji(cur: &mut Cursor, first: char) {
    if is_regional_indicator(first) {
        if let Some(c) = cur.peek().filter(|&c| is_regional_indicator(c)) {
            cur.bump(c);
        }
        return;
    }
    loop {
        while let Some(c) = cur
            .peek()
            .filter(|&c| matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'))
        {
            cur.bump(c);
        }
        match (cur.peek(), cur.peek_nth(1)) {
            (Some(zwj @ '\u{200D}'), Some(next)) if is_emoji(next) => {
                cur.bump(zwj);
                cur.bump(next);
            }
            _ => return,
        }
    }
}

/// Advances over whitespace, a byte at a time outside non-ASCII text, and says what it was.
#[inline]
fn skip_whitespace(cur: &mut Cursor) -> Gap {
    let bytes = cur.text.as_bytes();
    let start = cur.byte;
    let mut newlines = 0;
    while let Some(&b) = bytes.get(cur.byte) {
        match b {
            b'\n' => newlines += 1,
            // The ASCII whitespace of `char::is_whitespace`.
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {}
            0x80.. => match cur.peek() {
                Some(c) if c.is_whitespace() => {
                    cur.bump(c);
                    continue;
                }
                _ => break,
            },
            _ => break,
        }
        cur.byte += 1;
        cur.char += 1;
    }
    match (cur.byte > start, newlines) {
        (false, _) => Gap::None,
        (true, 0) => Gap::Space,
        (true, 1) => Gap::Newline,
        (true, _) => Gap::Blank,
    }
}

/// Bytes `b` of the 8 in `w` (all below 0x80) with `lo <= b <= hi`, flagged by their top bit.
#[inline]
fn bytes_in(w: u64, lo: u8, hi: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // No sum carries into the next byte: every byte is below 0x80 and the addends at most 0x80.
    (w + ONES * u64::from(0x80 - lo)) & !(w + ONES * u64::from(0x7f - hi)) & (ONES * 0x80)
}

/// The ASCII letters and digits from `start` on: where they end, whether any was an upper or
/// a lower case letter, and whether the first letter was upper case. Eight bytes at a time:
/// most words take one step, with no branch per byte.
#[inline]
fn ascii_alphanumeric_run(bytes: &[u8], start: usize) -> (usize, (bool, bool), bool) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut end = start;
    let (mut upper, mut lower) = (0u64, 0u64);
    let mut first_letter_upper = None;
    loop {
        let chunk: [u8; 8] = match bytes.get(end..end + 8) {
            Some(chunk) => chunk.try_into().unwrap_or_default(),
            None => {
                // The last bytes of the text, padded with a byte that is no letter nor digit.
                let mut padded = [b' '; 8];
                let tail = bytes.get(end..).unwrap_or_default();
                padded[..tail.len()].copy_from_slice(tail);
                padded
            }
        };
        let w = u64::from_le_bytes(chunk);
        let ascii = !w & HIGH;
        let w7 = w & !HIGH;
        let (d, u, l) = (
            bytes_in(w7, b'0', b'9') & ascii,
            bytes_in(w7, b'A', b'Z') & ascii,
            bytes_in(w7, b'a', b'z') & ascii,
        );
        let other = !(d | u | l) & HIGH;
        let run = other.trailing_zeros() / 8;
        // The top bits of the run's bytes.
        let in_run = if run == 8 {
            HIGH
        } else {
            HIGH & ((1 << (run * 8)) - 1)
        };
        let (u, l) = (u & in_run, l & in_run);
        if first_letter_upper.is_none() && (u | l) != 0 {
            first_letter_upper = Some((u | l).trailing_zeros() == u.trailing_zeros());
        }
        (upper, lower) = (upper | u, lower | l);
        end += run as usize;
        if run < 8 {
            break;
        }
    }
    (
        end.min(bytes.len()),
        (upper != 0, lower != 0),
        first_letter_upper == Some(true),
    )
}

/// The end and case of a token of ASCII letters and digits at `start` (with the period of a
/// known abbreviation), when what follows can neither join it nor belong to it: the common
/// case, decided in one scan without the general rules of [`scan_token`], which it must
/// agree with.
#[inline]
fn plain_ascii_word(bytes: &[u8], start: usize) -> Option<(usize, Case)> {
    let (end, (upper, lower), first_upper) = ascii_alphanumeric_run(bytes, start);
    if end == start {
        return None;
    }
    // The first letter is the first byte but in numbers such as `18yo`.
    let case = match (upper || lower, first_upper, lower) {
        (false, _, _) => Case::Uncased,
        (true, false, _) => Case::Lower,
        (true, true, false) => Case::Upper,
        (true, true, true) => Case::Title,
    };
    let word = &bytes[start..end];
    let last_is_digit = word[word.len() - 1].is_ascii_digit();
    let Some(&next) = bytes.get(end) else {
        return Some((end, case));
    };
    match next {
        // General punctuation but joiners, hyphens and the apostrophe ends a word (`said”`).
        0xE2 if general_punctuation(bytes, end).is_some_and(|c| {
            c <= 0x206F && !matches!(c, 0x200C | 0x200D | 0x2010 | 0x2011 | 0x2019)
        }) =>
        {
            Some((end, case))
        }
        // Other non-ASCII, hyphens, underscores, apostrophes and ampersands may join or split.
        0x80.. | b'-' | b'_' | b'\'' | b'&' => None,
        // Between digits these join (`1,000`, `3.5`, `14:05`).
        b'.' | b',' | b':' | b'+' | b'/'
            if last_is_digit && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) =>
        {
            None
        }
        // Initials (`J.`, `U.S.`) and `www.` URLs.
        b'.' if word.len() == 1 && !last_is_digit || word == b"www" => None,
        b'.' if is_abbreviation(word) => Some((end + 1, case)),
        b':' if word == b"http" || word == b"https" => None,
        _ => Some((end, case)),
    }
}

/// Advances the cursor over one token starting with `first`, and says what it was.
fn scan_token(cur: &mut Cursor, first: char) -> TokenKind {
    let rest = cur.rest();
    if matches!(first, 'h' | 'w')
        && (rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www."))
    {
        while let Some(c) = cur.peek().filter(|c| !c.is_whitespace()) {
            cur.bump(c);
        }
        return TokenKind::Url;
    }
    if matches!(first, '#' | '@') && cur.peek_nth(1).is_some_and(is_word_char) {
        cur.bump(first);
        while let Some(c) = cur.peek().filter(|&c| is_word_char(c) || c == '_') {
            cur.bump(c);
        }
        return TokenKind::Tag;
    }
    if matches!(first, 'n' | 'N' | '\'' | '\u{2019}')
        && let Some(len) = clitic_len(rest)
    {
        let end = cur.byte + len;
        while let Some(c) = cur.peek().filter(|_| cur.byte < end) {
            cur.bump(c);
        }
        return TokenKind::Word;
    }
    if is_word_char(first) {
        if let Some(len) = initials_len(rest) {
            cur.byte += len;
            cur.char += len;
            return TokenKind::Word;
        }
        scan_word(cur);
        return if first.is_numeric() {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
    }
    cur.bump(first);
    if is_emoji(first) {
        scan_emoji(cur, first);
    } else if first.is_ascii_punctuation() {
        // Runs such as `...`, `--`, `?!` and `!!!` are one token.
        while let Some(c) = cur.peek().filter(|&c| {
            matches!(c, '.' | '-' | '!' | '?' | '*' | '=' | '~' | '_')
                && (c == first || is_terminal(first) && is_terminal(c))
        }) {
            cur.bump(c);
        }
    }
    if is_punct(first) {
        TokenKind::Punct
    } else {
        TokenKind::Symbol
    }
}

/// Punctuation as opposed to symbols such as `$`, `%`, `+`, `©` or emoji.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(
                c,
                '$' | '%' | '&' | '+' | '<' | '=' | '>' | '^' | '|' | '~' | '#' | '@' | '`'
            );
    }
    is_terminal(c)
        || is_closer(c)
        || matches!(c as u32, 0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3011 | 0xA1 | 0xAB | 0xBB | 0xBF)
}

/// Length in bytes of a clitic token at the start of `rest`: `n't`, `’s`, `'re`…,
/// when a non-word char or the end follows it.
fn clitic_len(rest: &str) -> Option<usize> {
    if !rest.starts_with(['n', 'N', '\'', '\u{2019}']) {
        return None;
    }
    let mut chars = rest.chars();
    let first = chars.next()?;
    let (head_len, tail) = if first == 'n' || first == 'N' {
        let apostrophe = chars.next().filter(|&c| is_apostrophe(c))?;
        let t = chars.next().filter(|c| c.eq_ignore_ascii_case(&'t'))?;
        (1 + apostrophe.len_utf8() + t.len_utf8(), chars)
    } else if is_apostrophe(first) {
        // Up to three word chars after the apostrophe: a clitic only if they are one whole.
        let after = chars.as_str();
        let word_len = chars
            .clone()
            .take_while(|&c| is_word_char(c))
            .take(3)
            .map(char::len_utf8)
            .sum();
        let word = &after[..word_len];
        if !["s", "re", "ve", "ll", "d", "m"]
            .iter()
            .any(|clitic| word.eq_ignore_ascii_case(clitic))
        {
            return None;
        }
        (first.len_utf8() + word_len, after[word_len..].chars())
    } else {
        return None;
    };
    let mut tail = tail;
    match tail.next() {
        Some(c) if is_word_char(c) => None,
        _ => Some(head_len),
    }
}

/// Length in bytes of letter-period initials at the start of `rest` (`U.S.`, `a.m.`, `D.C.`,
/// and a single capital initial `J.`), when a non-word char or the end follows.
fn initials_len(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() && bytes[i].is_ascii_alphabetic() && bytes[i + 1] == b'.' {
        i += 2;
    }
    let pairs = i / 2;
    let followed_by_word = rest[i..].chars().next().is_some_and(is_word_char);
    if followed_by_word {
        return None;
    }
    match pairs {
        0 => None,
        1 if bytes[0].is_ascii_uppercase() => Some(2),
        1 => None,
        _ => Some(i),
    }
}

/// Advances over a word or number: word chars joined by inner hyphens and underscores
/// (`Ji-won`, `dj_friend`), apostrophes (not
/// before a clitic), ampersands between letters, and, between digits, `.`, `,`, `:`, `+` and `/`; a known abbreviation
/// keeps its period.
fn scan_word(cur: &mut Cursor) {
    let start_byte = cur.byte;
    loop {
        cur.skip_ascii_alphanumeric();
        while let Some(c) = cur.peek().filter(|&c| is_word_char(c)) {
            cur.bump(c);
            cur.skip_ascii_alphanumeric();
        }
        let Some(next) = cur.peek() else {
            return;
        };
        if next.is_ascii_whitespace() {
            return;
        }
        let after = cur.peek_nth(1);
        let prev = cur.text[..cur.byte].chars().next_back();
        let joins = if is_hyphen(next) || next == '_' {
            after.is_some_and(is_word_char)
        } else if is_apostrophe(next) {
            let is_nt = prev.is_some_and(|p| p == 'n' || p == 'N')
                && clitic_len(&cur.text[cur.byte - 1..]).is_some()
                && cur.byte - 1 > start_byte;
            if is_nt {
                // `don't` -> `do` + `n't`: give the `n` back to the clitic.
                cur.byte -= 1;
                cur.char -= 1;
                return;
            }
            after.is_some_and(is_word_char) && clitic_len(cur.rest()).is_none()
        } else if next == '&' {
            // `AT&T`, `B&SR`: an ampersand between letters with no space is part of the name.
            prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && after.is_some_and(|a| a.is_ascii_alphanumeric())
        } else if matches!(next, '.' | ',' | ':' | '+' | '/') {
            prev.is_some_and(|p| p.is_ascii_digit()) && after.is_some_and(|a| a.is_ascii_digit())
        } else {
            false
        };
        if joins {
            cur.bump(next);
            continue;
        }
        if next == '.' && is_abbreviation(&cur.text.as_bytes()[start_byte..cur.byte]) {
            cur.bump(next);
        }
        return;
    }
}

fn case_of(token: &str) -> Case {
    if token.is_ascii() {
        let bytes = token.as_bytes();
        let Some(first) = bytes.iter().position(u8::is_ascii_alphabetic) else {
            return Case::Uncased;
        };
        return if bytes[first].is_ascii_lowercase() {
            Case::Lower
        } else if bytes[first + 1..].iter().any(u8::is_ascii_lowercase) {
            Case::Title
        } else {
            Case::Upper
        };
    }
    let mut chars = token.chars().filter(|c| c.is_alphabetic());
    let Some(first) = chars.next() else {
        return Case::Uncased;
    };
    if first.is_lowercase() {
        return Case::Lower;
    }
    if !first.is_uppercase() {
        return Case::Uncased;
    }
    if chars.any(char::is_lowercase) {
        Case::Title
    } else {
        Case::Upper
    }
}

/// Splits tokens into sentences: every token in exactly one sentence, in order.
///
/// A sentence ends after terminal punctuation (and the closing quotes or brackets that touch
/// it) unless a lower-case word follows; after an abbreviation such as `U.S.` only when a
/// typical sentence opener (`The`, `He`…) follows; and at every line break, except inside a
/// hard-wrapped paragraph (no terminal punctuation before, a lower-case word after), so that
/// headlines, bylines and captions stand alone.
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    sentences_into(text, tokens, &mut out);
    out
}

/// [`sentences`] into `out`, which it clears first, so that a caller can reuse the buffer.
pub(crate) fn sentences_into(text: &str, tokens: &[Token], out: &mut Vec<Sentence>) {
    out.clear();
    let mut start = 0;
    // Most punctuation is ASCII: its first byte is its char.
    let first_char = |t: &Token| match text.as_bytes().get(t.bytes.start) {
        Some(&b) if b.is_ascii() => char::from(b),
        _ => t.text(text).chars().next().unwrap_or(' '),
    };
    let starts_lower = |t: &Token| t.kind == TokenKind::Word && t.case == Case::Lower;
    let push = |range: Range<usize>, out: &mut Vec<Sentence>| {
        if let (Some(first), Some(last)) = (tokens.get(range.start), tokens.get(range.end - 1)) {
            out.push(Sentence {
                span: Span {
                    start: first.span.start,
                    end: last.span.end,
                },
                tokens: range,
            });
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if i > start && token.gap >= Gap::Newline {
            let prev = &tokens[i - 1];
            let prev_ends = prev.kind == TokenKind::Punct
                && (is_terminal(first_char(prev)) || is_closer(first_char(prev)));
            let wrapped = token.gap == Gap::Newline && !prev_ends && starts_lower(token);
            if !wrapped {
                push(start..i, out);
                start = i;
            }
        }
        let ends_sentence = match token.kind {
            TokenKind::Punct => is_terminal(first_char(token)),
            // Most words end with a letter: look at the last byte before slicing the word.
            TokenKind::Word
                if token.bytes.len() > 1
                    && text.as_bytes().get(token.bytes.end - 1) == Some(&b'.') =>
            {
                let word = token.text(text);
                !in_list(&PREFIX_ABBREVIATION_KEYS, word.as_bytes())
                    && tokens.get(i + 1).is_some_and(|next| {
                        in_list(&SENTENCE_STARTER_KEYS, next.text(text).as_bytes())
                    })
            }
            _ => false,
        };
        if ends_sentence {
            let mut end = i + 1;
            while let Some(closer) = tokens.get(end)
                && closer.gap == Gap::None
                && closer.kind == TokenKind::Punct
                && (is_closer(first_char(closer)) || is_terminal(first_char(closer)))
            {
                end += 1;
            }
            let continues = tokens
                .get(end)
                .is_some_and(|next| next.gap < Gap::Newline && starts_lower(next));
            if !continues {
                push(start..end, out);
                start = end;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    if start < tokens.len() {
        push(start..tokens.len(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    /// [`ascii_alphanumeric_run`] a byte at a time.
    fn run_bytewise(bytes: &[u8], start: usize) -> (usize, (bool, bool), bool) {
        let run = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let word = &bytes[start..start + run];
        let first_letter = word.iter().find(|b| b.is_ascii_alphabetic());
        (
            start + run,
            (
                word.iter().any(u8::is_ascii_uppercase),
                word.iter().any(u8::is_ascii_lowercase),
            ),
            first_letter.is_some_and(u8::is_ascii_uppercase),
        )
    }

    #[test]
    fn alphanumeric_runs_eight_bytes_at_a_time_match_bytewise() {
        // Runs shorter and longer than a step, ending at the text's end or before bytes just
        // outside each range (`/`, `:`, `@`, `[`, `` ` ``, `{`), a DEL and non-ASCII bytes.
        let texts = [
            "a",
            "Z9",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "ABCDEFGHIJKLMNOPQ",
            "x18yoAB/",
            "0123456789:",
            "Seoul@",
            "KOREA[",
            "word`",
            "word{",
            "abc\u{7f}",
            "Hanbit’s",
            "ÉLYSÉE",
            "eBay",
            "2025年",
            "iPhone15Pro ",
            "",
            " ",
            "mixedCASEandDigits42x",
        ];
        for text in texts {
            let bytes = text.as_bytes();
            for start in 0..bytes.len() {
                assert_eq!(
                    ascii_alphanumeric_run(bytes, start),
                    run_bytewise(bytes, start),
                    "{text:?} from {start}"
                );
            }
        }
    }

    #[test]
    fn abbreviations_names_and_clitics() {
        assert_eq!(
            words("Dr. Ana Ruiz met Rep. Thomas Greer Jr. in the U.S. on Nov. 3."),
            [
                "Dr.", "Ana", "Ruiz", "met", "Rep.", "Thomas", "Greer", "Jr.", "in", "the", "U.S.",
                "on", "Nov.", "3", "."
            ]
        );
        assert_eq!(
            words("Park Ji-won’s plan, O'Brien's view: don't"),
            [
                "Park", "Ji-won", "’s", "plan", ",", "O'Brien", "'s", "view", ":", "do", "n't"
            ]
        );
        assert_eq!(words("did n't"), ["did", "n't"]);
        assert_eq!(
            words("“Britain,” she said."),
            ["“", "Britain", ",", "”", "she", "said", "."]
        );
    }

    #[test]
    fn numbers_urls_and_tags() {
        assert_eq!(
            words("2+2 is 4; 1,000 rose 3.5% to $14.8 billion at 14:05, 10 a.m."),
            [
                "2+2", "is", "4", ";", "1,000", "rose", "3.5", "%", "to", "$", "14.8", "billion",
                "at", "14:05", ",", "10", "a.m."
            ]
        );
        assert_eq!(
            words("#UN report... @flipboard http://t.co/9JK?x=1 ok"),
            [
                "#UN",
                "report",
                "...",
                "@flipboard",
                "http://t.co/9JK?x=1",
                "ok"
            ]
        );
        let tokens = tokenize("$3 #UN");
        assert_eq!(tokens[0].kind, TokenKind::Symbol);
        assert_eq!(tokens[1].kind, TokenKind::Number);
        assert_eq!(tokens[2].kind, TokenKind::Tag);
    }

    #[test]
    fn char_offsets_count_chars_not_bytes() {
        let text = "윤서현 (외교부) met\u{a0}Élysée";
        let tokens = tokenize(text);
        let spans: Vec<(usize, usize)> =
            tokens.iter().map(|t| (t.span.start, t.span.end)).collect();
        assert_eq!(spans, [(0, 3), (4, 5), (5, 8), (8, 9), (10, 13), (14, 20)]);
        assert_eq!(tokens[4].gap, Gap::Space);
        assert_eq!(tokens[5].case, Case::Title);
    }

    #[test]
    fn sentences_survive_abbreviations_and_split_headlines() {
        let text = "Home › World\n\nKorea’s envoy flies to London\n\nDr. Ana Ruiz met the U.S. \
                    envoy at 10 a.m. on Nov. 3. “It went well,” she said. Talks end Friday.\n\
                    Yoon left for the U.S. The talks end soon.";
        let tokens = tokenize(text);
        let got: Vec<&str> = sentences(text, &tokens)
            .iter()
            .map(|s| {
                let first = &tokens[s.tokens.start];
                let last = &tokens[s.tokens.end - 1];
                &text[first.bytes.start..last.bytes.end]
            })
            .collect();
        assert_eq!(
            got,
            [
                "Home › World",
                "Korea’s envoy flies to London",
                "Dr. Ana Ruiz met the U.S. envoy at 10 a.m. on Nov. 3.",
                "“It went well,” she said.",
                "Talks end Friday.",
                "Yoon left for the U.S.",
                "The talks end soon."
            ]
        );
    }

    #[test]
    fn wrapped_lines_stay_in_one_sentence() {
        let text = "The minister said the talks\nwould resume. Next";
        let tokens = tokenize(text);
        let got = sentences(text, &tokens);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].tokens, 0..8);
    }

    #[test]
    fn emoji_sequences_and_flags_are_one_token() {
        // Woman firefighter (ZWJ), with a skin tone, a heart with its selector, a flag.
        let text = "Crew 👩\u{200D}🚒 and 👩🏽\u{200D}🚒 ❤\u{FE0F} 🇰🇷🇺🇸 1\u{FE0F}\u{20E3} ok";
        assert_eq!(
            words(text),
            [
                "Crew",
                "👩\u{200D}🚒",
                "and",
                "👩🏽\u{200D}🚒",
                "❤\u{FE0F}",
                "🇰🇷",
                "🇺🇸",
                "1\u{FE0F}\u{20E3}",
                "ok"
            ]
        );
        let tokens = tokenize(text);
        assert_eq!(tokens[1].kind, TokenKind::Symbol);
        assert_eq!(tokens[1].span, Span { start: 5, end: 8 });
        // A joiner or selector goes with the token it touches, never alone.
        assert_eq!(words("a\u{200D} \u{FE0F}b"), ["a\u{200D}", "\u{FE0F}b"]);
        assert_eq!(words("👩\u{200D} x"), ["👩\u{200D}", "x"]);
    }
}
