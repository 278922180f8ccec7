//! Plugin SDK.
