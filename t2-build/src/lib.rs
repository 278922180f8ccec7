//! t2build/t2conf library.
