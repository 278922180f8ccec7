//! Zero-copy protocol views.
