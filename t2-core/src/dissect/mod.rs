//! Dissection to L4.
