//! T2 column types: parsing the type strings of [`T2ColumnDecl::type_`] into a small tree.
//!
//! Grammar (spec §2.2, codes of T2's `_headers.txt`):
//! ```text
//! column := group [":R"]                 -- ":R": the column repeats (u32 count first)
//! group  := item ("_" item)*             -- compound members, joined by "_" in text
//! item   := scalar | "(" group [":R"] ")" -- nested compound, with its own repeat flag
//! scalar := I8 I16 I32 I64 U8 U16 U32 U64 H8 H16 H32 H64 F D C S SC MAC IP4 IP6 IPX
//!           U64.U32 (timestamp/duration) DIR (the core's flow direction, shown as C)
//! ```
//! A nested compound's `:R` is written inside its parentheses (`U8_(U16_IP4:R)`), so
//! `(U8_U16):R` is unambiguous: a repeating column whose repetitions are one nested compound.

use t2_abi::T2ColumnDecl;

/// One value type of T2's binary value system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    H8,
    H16,
    H32,
    H64,
    /// f32, printed `%.7g`.
    F,
    /// f64, printed `%f`.
    D,
    /// One byte printed as a character.
    C,
    /// NUL-terminated string, quoted and escaped.
    S,
    /// NUL-terminated string class, unquoted.
    SC,
    Mac,
    Ip4,
    Ip6,
    /// u8 version (0, 4, 6) then 0, 4 or 16 address bytes.
    Ipx,
    /// u64 seconds + u32 nanoseconds (timestamp or duration).
    Time,
    /// The core's flow direction: u8, 0 = `A`, else `B`. Header code `C`.
    Dir,
}

impl Scalar {
    /// Every scalar with its type-string code.
    pub const ALL: [(Scalar, &'static str); 23] = [
        (Scalar::I8, "I8"),
        (Scalar::I16, "I16"),
        (Scalar::I32, "I32"),
        (Scalar::I64, "I64"),
        (Scalar::U8, "U8"),
        (Scalar::U16, "U16"),
        (Scalar::U32, "U32"),
        (Scalar::U64, "U64"),
        (Scalar::H8, "H8"),
        (Scalar::H16, "H16"),
        (Scalar::H32, "H32"),
        (Scalar::H64, "H64"),
        (Scalar::F, "F"),
        (Scalar::D, "D"),
        (Scalar::C, "C"),
        (Scalar::S, "S"),
        (Scalar::SC, "SC"),
        (Scalar::Mac, "MAC"),
        (Scalar::Ip4, "IP4"),
        (Scalar::Ip6, "IP6"),
        (Scalar::Ipx, "IPX"),
        (Scalar::Time, "U64.U32"),
        (Scalar::Dir, "DIR"),
    ];

    /// The code in a type string (`DIR` for [`Scalar::Dir`]).
    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, c)| *c)
            .unwrap_or("?")
    }

    /// The code T2 prints in `_headers.txt` (`C` for [`Scalar::Dir`]).
    pub fn header_code(self) -> &'static str {
        if self == Scalar::Dir {
            "C"
        } else {
            self.code()
        }
    }

    /// Parses one code.
    pub fn from_code(code: &str) -> Option<Scalar> {
        Self::ALL.iter().find(|(_, c)| *c == code).map(|(s, _)| *s)
    }

    /// Encoded size in bytes, `None` for variable-size values (strings, IPX).
    pub fn fixed_size(self) -> Option<usize> {
        use Scalar::*;
        Some(match self {
            I8 | U8 | H8 | C | Dir => 1,
            I16 | U16 | H16 => 2,
            I32 | U32 | H32 | F => 4,
            I64 | U64 | H64 | D => 8,
            Mac => 6,
            Ip4 => 4,
            Ip6 => 16,
            Time => 12,
            S | SC | Ipx => return None,
        })
    }
}

/// A member of a compound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Scalar(Scalar),
    Group(Group),
}

/// A compound (possibly of one member) and whether it repeats. A column's type is a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub items: Vec<Item>,
    pub repeating: bool,
}

impl Group {
    /// Parses a column type string such as `U16:R`, `MAC_MAC_U64:R`, `U8_(U16_U16:R)`.
    pub fn parse(s: &str) -> Result<Group, TypeError> {
        let mut p = Parser {
            s: s.as_bytes(),
            pos: 0,
            src: s,
        };
        let mut g = p.group()?;
        if p.eat(b":R") {
            g.repeating = true;
        }
        if p.pos != p.s.len() {
            return Err(p.err("unexpected character"));
        }
        Ok(g)
    }

    /// Renders the type string (`dir_codes`: `DIR` instead of `C` for the direction).
    fn render(&self, out: &mut String, header: bool) {
        for (i, it) in self.items.iter().enumerate() {
            if i > 0 {
                out.push('_');
            }
            match it {
                Item::Scalar(s) => out.push_str(if header { s.header_code() } else { s.code() }),
                Item::Group(g) => {
                    out.push('(');
                    g.render(out, header);
                    if g.repeating {
                        out.push_str(":R");
                    }
                    out.push(')');
                }
            }
        }
    }

    /// The type string as declared (round-trips through [`Group::parse`]).
    pub fn type_string(&self) -> String {
        let mut s = String::new();
        self.render(&mut s, false);
        if self.repeating {
            s.push_str(":R");
        }
        s
    }

    /// The type as T2 prints it in `_headers.txt` (`DIR` shown as `C`).
    pub fn header_string(&self) -> String {
        let mut s = String::new();
        self.render(&mut s, true);
        if self.repeating {
            s.push_str(":R");
        }
        s
    }
}

/// A type string that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    pub type_string: String,
    pub position: usize,
    pub message: &'static str,
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "bad column type \"{}\" at offset {}: {}",
            self.type_string, self.position, self.message
        )
    }
}

impl std::error::Error for TypeError {}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> TypeError {
        TypeError {
            type_string: self.src.to_string(),
            position: self.pos,
            message,
        }
    }

    fn eat(&mut self, t: &[u8]) -> bool {
        if self.s[self.pos..].starts_with(t) {
            self.pos += t.len();
            true
        } else {
            false
        }
    }

    fn group(&mut self) -> Result<Group, TypeError> {
        let mut items = vec![self.item()?];
        while self.eat(b"_") {
            items.push(self.item()?);
        }
        Ok(Group {
            items,
            repeating: false,
        })
    }

    fn item(&mut self) -> Result<Item, TypeError> {
        if self.eat(b"(") {
            let mut g = self.group()?;
            if self.eat(b":R") {
                g.repeating = true;
            }
            if !self.eat(b")") {
                return Err(self.err("expected ')'"));
            }
            return Ok(Item::Group(g));
        }
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || self.s[self.pos] == b'.')
        {
            self.pos += 1;
        }
        let code = &self.src[start..self.pos];
        match Scalar::from_code(code) {
            Some(s) => Ok(Item::Scalar(s)),
            None => {
                self.pos = start;
                Err(self.err(if code.is_empty() {
                    "expected a type code"
                } else {
                    "unknown type code"
                }))
            }
        }
    }
}

/// One flow-file column with its parsed type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub desc: String,
    pub ty: Group,
}

/// The flow-file columns in output order, as sinks get them from [`crate::Host::schema`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub columns: Vec<Column>,
}

impl Schema {
    /// Builds a schema from `(name, description, type string)` triples.
    pub fn from_triples<'a>(
        cols: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<Schema, TypeError> {
        let mut columns = Vec::new();
        for (name, desc, ty) in cols {
            columns.push(Column {
                name: name.to_string(),
                desc: desc.to_string(),
                ty: Group::parse(ty)?,
            });
        }
        Ok(Schema { columns })
    }

    /// Builds a schema from the host's column declarations.
    ///
    /// # Safety
    /// The strings of every declaration must be valid for the call.
    pub unsafe fn from_decls(decls: &[T2ColumnDecl]) -> Result<Schema, TypeError> {
        let mut columns = Vec::with_capacity(decls.len());
        for d in decls {
            // SAFETY: guaranteed by the caller.
            let (name, desc, ty) =
                unsafe { (d.name.as_bytes(), d.desc.as_bytes(), d.type_.as_bytes()) };
            let ty = String::from_utf8_lossy(ty);
            columns.push(Column {
                name: String::from_utf8_lossy(name).into_owned(),
                desc: String::from_utf8_lossy(desc).into_owned(),
                ty: Group::parse(&ty)?,
            });
        }
        Ok(Schema { columns })
    }

    /// `%name1<TAB>name2...` (the first line of the flow file), without newline.
    pub fn header_line(&self) -> String {
        let mut s = String::from("%");
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                s.push('\t');
            }
            s.push_str(&c.name);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_render() {
        for t in [
            "U16:R",
            "MAC_MAC_U64:R",
            "(U8_U16):R",
            "U8_(U16_IP4:R)",
            "U64.U32",
            "IPX",
            "SC",
            "DIR",
            "H32_H32_H16",
        ] {
            let g = Group::parse(t).unwrap();
            assert_eq!(g.type_string(), t);
        }
        let g = Group::parse("MAC_MAC_U64:R").unwrap();
        assert!(g.repeating);
        assert_eq!(
            g.items,
            vec![
                Item::Scalar(Scalar::Mac),
                Item::Scalar(Scalar::Mac),
                Item::Scalar(Scalar::U64)
            ]
        );
        let g = Group::parse("(U8_U16):R").unwrap();
        assert!(g.repeating);
        assert_eq!(g.items.len(), 1);
        let g = Group::parse("U8_(U16_IP4:R)").unwrap();
        assert!(!g.repeating);
        assert!(matches!(&g.items[1], Item::Group(n) if n.repeating && n.items.len() == 2));
        assert_eq!(Group::parse("DIR").unwrap().header_string(), "C");
        assert_eq!(
            Group::parse("U64.U32_DIR:R").unwrap().header_string(),
            "U64.U32_C:R"
        );
    }

    #[test]
    fn parse_errors() {
        for t in ["", "U17", "U8_", "(U8", "U8:R:R", "U8 ", "u8", "(U8):X"] {
            assert!(Group::parse(t).is_err(), "{t}");
        }
        let e = Group::parse("U8_X").unwrap_err();
        assert_eq!(e.position, 3);
    }
}
