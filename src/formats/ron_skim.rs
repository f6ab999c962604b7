//! What a project summary needs of a RON document file, read without building the document:
//! its id, name, text length, done flag, and each annotation's label and status.
//!
//! ron reads about 130 MB/s, and a summary of 100,000 documents reads 2.2 GB; this reader
//! walks the file's bytes once and borrows its strings. It knows the shape tagdesk writes
//! and no more: on anything else (a comment, a raw string, a field it does not know, a
//! missing one, a syntax error) it gives up, and the caller parses the file with ron, which
//! also reports any error. So it can change no answer, only the time one takes.

use std::borrow::Cow;

use crate::model::Status;

/// A document file's summary fields, its strings borrowed where they have no escapes.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Skimmed<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    /// Chars of the text, escapes decoded.
    pub chars: usize,
    pub done: bool,
    pub relations: usize,
    /// Label and status of each entity, in file order.
    pub entities: Vec<(Cow<'a, str>, Status)>,
    /// Type and status of each event.
    pub events: Vec<(Cow<'a, str>, Status)>,
}

/// The summary fields of the RON document in `text`, or `None` where it is not in the shape
/// tagdesk writes (see the module docs).
pub(super) fn skim(text: &str) -> Option<Skimmed<'_>> {
    let mut r = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let doc = r.document()?;
    r.space()?;
    (r.at == r.bytes.len()).then_some(doc)
}

/// A document's fields, each a bit, to refuse a duplicate and to require those serde does.
const DOC_FIELDS: [&str; 10] = [
    "id",
    "name",
    "source",
    "text",
    "text_hash",
    "entities",
    "events",
    "relations",
    "done",
    "meta",
];
/// `id`, `name`, `text`, `text_hash`: the fields with no default.
const DOC_REQUIRED: u32 = 0b1_1011;
const ENTITY_FIELDS: [&str; 5] = ["id", "span", "label", "origin", "status"];
const EVENT_FIELDS: [&str; 6] = ["id", "type", "trigger", "arguments", "origin", "status"];
/// Every event field but `arguments`.
const EVENT_REQUIRED: u32 = 0b11_0111;

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips whitespace; `None` at a comment, which ron allows but tagdesk never writes.
    fn space(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.at += 1,
                b'/' => return None,
                _ => break,
            }
        }
        Some(())
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space()?;
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Consumes `byte` if it comes next.
    fn eat_if(&mut self, byte: u8) -> Option<bool> {
        self.space()?;
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        Some(found)
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.space()?;
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.at += 1;
        }
        // `r"…"`, `b"…"`: raw and byte strings, which tagdesk never writes.
        if matches!(self.peek(), Some(b'"' | b'#')) {
            return None;
        }
        (self.at > start).then(|| &self.text[start..self.at])
    }

    /// A string's raw contents, between its quotes, escapes as written.
    fn raw_string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        loop {
            let found = memchr::memchr2(b'"', b'\\', &self.bytes[self.at..])?;
            self.at += found + 1;
            if self.bytes[self.at - 1] == b'"' {
                return Some(&self.text[start..self.at - 1]);
            }
            // The escaped byte: `\"` does not end the string.
            self.at += 1;
        }
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        let raw = self.raw_string()?;
        if !raw.contains('\\') {
            return Some(Cow::Borrowed(raw));
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(at) = rest.find('\\') {
            out.push_str(&rest[..at]);
            let (c, len) = escape(&rest[at..])?;
            out.push(c);
            rest = &rest[at + len..];
        }
        out.push_str(rest);
        Some(Cow::Owned(out))
    }

    /// The chars of a string, escapes decoded, without building it.
    fn string_chars(&mut self) -> Option<usize> {
        let raw = self.raw_string()?;
        // UTF-8: every byte but a continuation byte starts a char.
        let mut chars = raw.bytes().filter(|&b| (b as i8) >= -0x40).count();
        let mut rest = raw;
        while let Some(at) = rest.find('\\') {
            let (_, len) = escape(&rest[at..])?;
            // The escape's bytes are all ASCII, and stand for one char.
            chars -= len - 1;
            rest = &rest[at + len..];
        }
        Some(chars)
    }

    fn status(&mut self) -> Option<Status> {
        Some(match self.ident()? {
            "Suggested" => Status::Suggested,
            "Accepted" => Status::Accepted,
            "Rejected" => Status::Rejected,
            _ => return None,
        })
    }

    /// Skips one value of any shape: a string, a number, a name with or without contents, a
    /// tuple or struct, a list, a map.
    fn skip_value(&mut self) -> Option<()> {
        self.space()?;
        match self.peek()? {
            b'"' => self.raw_string().map(drop),
            b'(' | b'[' | b'{' => self.skip_group(),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                self.ident()?;
                self.space()?;
                if self.peek() == Some(b'(') {
                    self.skip_group()?;
                }
                Some(())
            }
            b if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => {
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                {
                    self.at += 1;
                }
                Some(())
            }
            _ => None,
        }
    }

    /// Skips a bracketed group with everything nested in it.
    fn skip_group(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.space()?;
            match self.peek()? {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'"' => {
                    self.raw_string()?;
                    continue;
                }
                b'\'' => return None,
                _ => {}
            }
            self.at += 1;
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// `Name(field: value, …)` or `(field: value, …)`, each field handed to `field` with the
    /// index of its name in `fields`; the bit set of the fields seen, or `None` on an unknown
    /// or repeated one.
    fn fields(
        &mut self,
        names: &[&str],
        mut field: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<u32> {
        self.space()?;
        if self.peek()? != b'(' {
            self.ident()?;
        }
        self.eat(b'(')?;
        let mut seen = 0u32;
        while !self.eat_if(b')')? {
            let name = self.ident()?;
            let index = names.iter().position(|&n| n == name)?;
            if seen & (1 << index) != 0 {
                return None;
            }
            seen |= 1 << index;
            self.eat(b':')?;
            field(self, index)?;
            if !self.eat_if(b',')? {
                self.eat(b')')?;
                break;
            }
        }
        Some(seen)
    }

    /// `[item, …]`, each item read by `item`.
    fn list(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        while !self.eat_if(b']')? {
            item(self)?;
            if !self.eat_if(b',')? {
                return self.eat(b']');
            }
        }
        Some(())
    }

    /// A `(label-or-type, status)` annotation with `fields`, all but the optional ones of
    /// `required` present; `key` is the index of its label or type.
    fn annotation(
        &mut self,
        fields: &[&str],
        required: u32,
        key: usize,
    ) -> Option<(Cow<'a, str>, Status)> {
        let (mut label, mut status) = (None, None);
        let seen = self.fields(fields, |r, index| {
            match fields[index] {
                _ if index == key => label = Some(r.string()?),
                "status" => status = Some(r.status()?),
                _ => r.skip_value()?,
            }
            Some(())
        })?;
        (seen & required == required).then_some(())?;
        Some((label?, status?))
    }

    fn document(&mut self) -> Option<Skimmed<'a>> {
        let mut doc = Skimmed::default();
        let seen = self.fields(&DOC_FIELDS, |r, index| {
            match DOC_FIELDS[index] {
                "id" => doc.id = r.string()?,
                "name" => doc.name = r.string()?,
                "text" => doc.chars = r.string_chars()?,
                "done" => {
                    doc.done = match r.ident()? {
                        "true" => true,
                        "false" => false,
                        _ => return None,
                    }
                }
                "entities" => r.list(|r| {
                    let entity = r.annotation(&ENTITY_FIELDS, 0b1_1111, 2)?;
                    doc.entities.push(entity);
                    Some(())
                })?,
                "events" => r.list(|r| {
                    let event = r.annotation(&EVENT_FIELDS, EVENT_REQUIRED, 1)?;
                    doc.events.push(event);
                    Some(())
                })?,
                "relations" => r.list(|r| {
                    doc.relations += 1;
                    r.skip_value()
                })?,
                _ => r.skip_value()?,
            }
            Some(())
        })?;
        (seen & DOC_REQUIRED == DOC_REQUIRED).then_some(doc)
    }
}

/// The char a RON escape at the start of `s` stands for, and the escape's length in bytes.
fn escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let simple = |c| Some((c, 2));
    match *b.get(1)? {
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'0' => simple('\0'),
        b'\\' => simple('\\'),
        b'"' => simple('"'),
        b'\'' => simple('\''),
        b'u' if b.get(2) == Some(&b'{') => {
            let close = s.find('}')?;
            let code = u32::from_str_radix(s.get(3..close)?, 16).ok()?;
            Some((char::from_u32(code)?, close + 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_and_count_as_one_char() {
        let text = r#"(id: "d\"1", name: "a\u{a0}b\\", text: "x\n\u{1F600}y\"", text_hash: "h")"#;
        let doc = skim(text).unwrap();
        assert_eq!(doc.id, "d\"1");
        assert_eq!(doc.name, "a\u{a0}b\\");
        assert_eq!(doc.chars, 5);
        assert!(doc.entities.is_empty() && !doc.done);
    }

    #[test]
    fn what_tagdesk_never_writes_is_left_to_ron() {
        let good = r#"(id: "d", name: "n", text: "t", text_hash: "h", done: true)"#;
        assert!(skim(good).unwrap().done);
        for bad in [
            // A comment, a raw string, an unknown field, a repeated one, a missing one.
            r#"(id: "d", name: "n", text: "t", text_hash: "h") // note"#,
            r##"(id: "d", name: "n", text: r#"t"#, text_hash: "h")"##,
            r#"(id: "d", name: "n", text: "t", text_hash: "h", notes: "x")"#,
            r#"(id: "d", id: "e", name: "n", text: "t", text_hash: "h")"#,
            r#"(id: "d", name: "n", text_hash: "h")"#,
            // An entity with no status, a status tagdesk does not have, an unknown escape.
            r#"(id: "d", name: "n", text: "t", text_hash: "h", entities: [(id: 1, span: (start: 0, end: 1), label: "X", origin: Manual)])"#,
            r#"(id: "d", name: "n", text: "t", text_hash: "h", entities: [(id: 1, span: (start: 0, end: 1), label: "X", origin: Manual, status: Maybe)])"#,
            r#"(id: "d", name: "n", text: "\q", text_hash: "h")"#,
            // Syntax errors, and text after the document.
            r#"(id: "d", name: "n", text: "t", text_hash: "h""#,
            r#"(id: "d" name: "n", text: "t", text_hash: "h")"#,
            r#"(id: "d", name: "n", text: "t", text_hash: "h") x"#,
        ] {
            assert_eq!(skim(bad), None, "{bad}");
        }
    }
}
