//! The integration-test binary (one binary, as ripgrep does: faster to link on 2 cores).

mod it;
