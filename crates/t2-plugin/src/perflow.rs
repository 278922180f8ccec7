//! [`PerFlow`]: per-flow plugin state indexed by flow slot (T2's `T2_PLUGIN_STRUCT_NEW`).

use crate::host::{FlowIndex, Host};
use t2_abi::T2Exported;

/// A `Vec<T>` with one entry per flow slot (`flow_capacity` of them), indexed by the flow
/// index the callbacks receive. Call [`PerFlow::reset`] in `on_new_flow`.
///
/// Indexing out of range panics (the shim turns that into a disabled plugin); use
/// [`PerFlow::get`] where an index may be foreign.
#[derive(Clone, Debug)]
pub struct PerFlow<T> {
    items: Vec<T>,
}

impl<T: Default + Clone> PerFlow<T> {
    /// `capacity` default entries.
    pub fn new(capacity: u64) -> Self {
        PerFlow {
            items: vec![T::default(); capacity as usize],
        }
    }

    /// One entry per flow slot of the host.
    pub fn for_host(host: &Host) -> Self {
        Self::new(host.flow_capacity())
    }

    /// Resets the entry of `flow` to `T::default()` and returns it.
    #[inline]
    pub fn reset(&mut self, flow: FlowIndex) -> &mut T {
        let e = &mut self.items[flow as usize];
        *e = T::default();
        e
    }
}

impl<T> PerFlow<T> {
    /// Number of slots.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    #[inline]
    pub fn get(&self, flow: FlowIndex) -> Option<&T> {
        self.items.get(flow as usize)
    }

    #[inline]
    pub fn get_mut(&mut self, flow: FlowIndex) -> Option<&mut T> {
        self.items.get_mut(flow as usize)
    }

    /// The storage as an exportable array (see [`crate::Init::export_data`]). The pointer stays
    /// valid as long as this `PerFlow` lives and is not reallocated (it never grows).
    pub fn exported(&mut self) -> T2Exported {
        T2Exported {
            base: self.items.as_mut_ptr() as *mut core::ffi::c_void,
            stride: std::mem::size_of::<T>(),
            count: self.items.len(),
        }
    }
}

impl<T> std::ops::Index<FlowIndex> for PerFlow<T> {
    type Output = T;
    #[inline]
    fn index(&self, flow: FlowIndex) -> &T {
        &self.items[flow as usize]
    }
}

impl<T> std::ops::IndexMut<FlowIndex> for PerFlow<T> {
    #[inline]
    fn index_mut(&mut self, flow: FlowIndex) -> &mut T {
        &mut self.items[flow as usize]
    }
}
