//! Column declarations: name, description, T2 type, optional bit table.

use crate::schema::{Group, Item, Scalar, TypeError};
use t2_abi::{T2BitDesc, T2Str};

/// A column to declare in `init` with [`crate::Init::declare_column`].
///
/// ```
/// use t2_plugin::{Column, Scalar};
/// let c = Column::compound("srcMac_dstMac_numP", "Src/dst MAC pairs", &[Scalar::Mac, Scalar::Mac, Scalar::U64]).repeating();
/// assert_eq!(c.type_string(), "MAC_MAC_U64:R");
/// ```
#[derive(Clone, Debug)]
pub struct Column<'a> {
    pub name: &'a str,
    pub desc: &'a str,
    ty: Result<Group, TypeError>,
    pub bits: &'a [T2BitDesc],
}

impl<'a> Column<'a> {
    /// A column of one value.
    pub fn new(name: &'a str, desc: &'a str, ty: Scalar) -> Self {
        Column {
            name,
            desc,
            ty: Ok(Group {
                items: vec![Item::Scalar(ty)],
                repeating: false,
            }),
            bits: &[],
        }
    }

    /// A compound column (`H8_H32`, `MAC_MAC_U64`, ...).
    pub fn compound(name: &'a str, desc: &'a str, tys: &[Scalar]) -> Self {
        let items = tys.iter().map(|t| Item::Scalar(*t)).collect();
        Column {
            name,
            desc,
            ty: Ok(Group {
                items,
                repeating: false,
            }),
            bits: &[],
        }
    }

    /// A column from a type string (nested compounds: `U8_(U16_IP4:R)`); checked on declare.
    pub fn with_type(name: &'a str, desc: &'a str, ty: &str) -> Self {
        Column {
            name,
            desc,
            ty: Group::parse(ty),
            bits: &[],
        }
    }

    /// A column of an already built type tree.
    pub fn with_group(name: &'a str, desc: &'a str, ty: Group) -> Self {
        Column {
            name,
            desc,
            ty: Ok(ty),
            bits: &[],
        }
    }

    /// Makes the column repeating (`:R`, a u32 count before the values).
    pub fn repeating(mut self) -> Self {
        if let Ok(g) = &mut self.ty {
            g.repeating = true;
        }
        self
    }

    /// Attaches a bit table (what `tawk -V` prints for a status column).
    pub fn bits(mut self, bits: &'a [T2BitDesc]) -> Self {
        self.bits = bits;
        self
    }

    /// The parsed type.
    pub fn group(&self) -> Result<&Group, &TypeError> {
        self.ty.as_ref()
    }

    /// The type string passed to the host (empty if the type is invalid).
    pub fn type_string(&self) -> String {
        self.ty
            .as_ref()
            .map(|g| g.type_string())
            .unwrap_or_default()
    }
}

/// One row of a bit table: `bit(0x0040, "L2_ARP", "ARP")`.
pub const fn bit(mask: u64, name: &'static str, desc: &'static str) -> T2BitDesc {
    T2BitDesc {
        mask,
        name: T2Str::new(name),
        desc: T2Str::new(desc),
    }
}
