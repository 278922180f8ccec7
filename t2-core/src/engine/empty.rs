//! Empty values for the columns of a disabled plugin, so a record keeps the shape its schema
//! declares (spec §2.2 encoding: repeating → count 0; numbers → zeros; strings → empty;
//! IPX → version 0; compounds → each member).

/// Appends the encoding of an empty value of a column whose type string is `ty`.
pub fn push_empty(ty: &str, out: &mut Vec<u8>) {
    let ty = ty.trim();
    if ty.ends_with(":R") {
        out.extend_from_slice(&0u32.to_ne_bytes());
        return;
    }
    for member in split_top(ty) {
        let m = member.trim();
        if let Some(inner) = m.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            push_empty(inner, out);
        } else {
            out.extend(std::iter::repeat_n(0u8, scalar_width(m)));
        }
    }
}

/// Bytes of an empty scalar: strings are a lone NUL, IPX a version byte 0.
fn scalar_width(t: &str) -> usize {
    match t {
        "I8" | "U8" | "H8" | "C" | "DIR" => 1,
        "I16" | "U16" | "H16" => 2,
        "I32" | "U32" | "H32" | "F" => 4,
        "I64" | "U64" | "H64" | "D" => 8,
        "LD" => 16,
        "S" | "SC" => 1,
        "MAC" => 6,
        "IP4" => 4,
        "IP6" => 16,
        "IPX" => 1,
        "U64.U32" => 12,
        _ => 0,
    }
}

/// Splits a compound type at top-level `_` (not inside parentheses).
fn split_top(ty: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in ty.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '_' if depth == 0 => {
                parts.push(&ty[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&ty[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::push_empty;

    #[test]
    fn shapes() {
        let mut v = Vec::new();
        push_empty("U16:R", &mut v);
        assert_eq!(v, vec![0, 0, 0, 0]);
        v.clear();
        push_empty("H8_H32", &mut v);
        assert_eq!(v.len(), 5);
        v.clear();
        push_empty("U64.U32", &mut v);
        assert_eq!(v.len(), 12);
        v.clear();
        push_empty("IPX_S_(U8_U16)", &mut v);
        assert_eq!(v.len(), 1 + 1 + 3);
    }
}
