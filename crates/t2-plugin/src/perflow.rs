//! [`PerFlow`]: per-flow plugin state indexed by flow slot (T2's `T2_PLUGIN_STRUCT_NEW`).

use crate::host::{FlowIndex, Host};
use t2_abi::T2Exported;

/// One entry per flow slot (`flow_capacity` of them), indexed by the flow index the callbacks
/// receive. Call [`PerFlow::reset`] in `on_new_flow`.
///
/// The storage is reserved for the full capacity up front (so its address never changes) but
/// entries are written only when a slot is first used: the host hands out slots from 0 upward,
/// so memory follows the number of flows in memory at once, not the capacity (262144 × `-f`).
/// A slot not used yet reads as `T::default()`.
///
/// Indexing beyond the capacity panics (the shim turns that into a disabled plugin); use
/// [`PerFlow::get`] where an index may be foreign.
#[derive(Clone, Debug)]
pub struct PerFlow<T> {
    items: Vec<T>,
    capacity: usize,
    default: T,
}

impl<T: Default + Clone> PerFlow<T> {
    /// `capacity` default entries.
    pub fn new(capacity: u64) -> Self {
        let capacity = capacity as usize;
        PerFlow { items: Vec::with_capacity(capacity), capacity, default: T::default() }
    }

    /// Makes slots `..=flow` exist (within the reserved capacity: never reallocates).
    #[inline]
    fn grow_to(&mut self, flow: usize) {
        if flow >= self.items.len() {
            assert!(flow < self.capacity, "flow index {flow} beyond the flow capacity {}", self.capacity);
            self.items.resize(flow + 1, self.default.clone());
        }
    }

    /// One entry per flow slot of the host.
    pub fn for_host(host: &Host) -> Self {
        Self::new(host.flow_capacity())
    }

    /// Resets the entry of `flow` to `T::default()` and returns it.
    #[inline]
    pub fn reset(&mut self, flow: FlowIndex) -> &mut T {
        self.grow_to(flow as usize);
        let e = &mut self.items[flow as usize];
        *e = T::default();
        e
    }

    /// The storage as an exportable array (see [`crate::Init::export_data`]): every slot is
    /// written first, so importers may read any index below `count`. The pointer stays valid as
    /// long as this `PerFlow` lives (the storage never moves).
    pub fn exported(&mut self) -> T2Exported {
        if self.capacity > 0 {
            self.grow_to(self.capacity - 1);
        }
        T2Exported {
            base: self.items.as_mut_ptr() as *mut core::ffi::c_void,
            stride: std::mem::size_of::<T>(),
            count: self.items.len(),
        }
    }

    #[inline]
    pub fn get_mut(&mut self, flow: FlowIndex) -> Option<&mut T> {
        if (flow as usize) < self.capacity {
            self.grow_to(flow as usize);
        }
        self.items.get_mut(flow as usize)
    }
}

impl<T: Default + Clone> PerFlow<T> {
    /// The entries of a flow and of its opposite, both mutable at once (for plugins whose
    /// per-packet analysis updates both directions), without copying them out and back.
    /// `None` for an index beyond the capacity, and for `opposite` equal to `flow`.
    #[inline]
    pub fn pair_mut(
        &mut self,
        flow: FlowIndex,
        opposite: Option<FlowIndex>,
    ) -> (Option<&mut T>, Option<&mut T>) {
        let f = flow as usize;
        let o = opposite.map(|o| o as usize).filter(|&o| o != f && o < self.capacity);
        if f < self.capacity {
            self.grow_to(f);
        }
        let Some(o) = o else {
            return (self.items.get_mut(f), None);
        };
        self.grow_to(o);
        if f >= self.items.len() {
            return (None, self.items.get_mut(o));
        }
        // (split_at_mut rather than get_disjoint_mut: the SDK's MSRV is 1.85.)
        if f < o {
            let (lo, hi) = self.items.split_at_mut(o);
            (Some(&mut lo[f]), Some(&mut hi[0]))
        } else {
            let (lo, hi) = self.items.split_at_mut(f);
            (Some(&mut hi[0]), Some(&mut lo[o]))
        }
    }
}

impl<T> PerFlow<T> {
    /// Number of slots (the flow capacity).
    pub fn len(&self) -> usize {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.capacity == 0
    }

    #[inline]
    pub fn get(&self, flow: FlowIndex) -> Option<&T> {
        let f = flow as usize;
        if f < self.items.len() {
            Some(&self.items[f])
        } else if f < self.capacity {
            Some(&self.default)
        } else {
            None
        }
    }
}

impl<T: Default + Clone> std::ops::Index<FlowIndex> for PerFlow<T> {
    type Output = T;
    #[inline]
    fn index(&self, flow: FlowIndex) -> &T {
        match self.get(flow) {
            Some(v) => v,
            None => panic!("flow index {flow} beyond the flow capacity {}", self.capacity),
        }
    }
}

impl<T: Default + Clone> std::ops::IndexMut<FlowIndex> for PerFlow<T> {
    #[inline]
    fn index_mut(&mut self, flow: FlowIndex) -> &mut T {
        let cap = self.capacity;
        match self.get_mut(flow) {
            Some(v) => v,
            None => panic!("flow index {flow} beyond the flow capacity {cap}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PerFlow;

    #[test]
    fn slots_appear_on_first_use_without_moving() {
        let mut p: PerFlow<u32> = PerFlow::new(10);
        assert_eq!(p.len(), 10);
        assert_eq!(p[7], 0, "an unused slot reads as the default");
        *p.reset(3) = 5;
        let base = p.items.as_ptr();
        *p.reset(9) = 7;
        p[8] += 1;
        assert_eq!((p[3], p[8], p[9]), (5, 1, 7));
        assert_eq!(base, p.items.as_ptr(), "storage never moves");
        assert!(p.get(10).is_none());
        assert_eq!(p.exported().count, 10);
    }

    #[test]
    fn pair_of_a_flow_and_its_opposite() {
        let mut p: PerFlow<u32> = PerFlow::new(10);
        let (a, b) = p.pair_mut(2, Some(6));
        *a.unwrap() = 1;
        *b.unwrap() = 2;
        assert_eq!((p[2], p[6]), (1, 2), "both written in place, slots grown on first use");
        let (a, b) = p.pair_mut(6, Some(2));
        assert_eq!((*a.unwrap(), *b.unwrap()), (2, 1));
        assert!(p.pair_mut(3, None).1.is_none());
        assert!(p.pair_mut(3, Some(3)).1.is_none(), "a flow is not its own opposite");
        let (a, b) = p.pair_mut(4, Some(10));
        assert!(a.is_some() && b.is_none(), "an opposite beyond the capacity");
        let (a, b) = p.pair_mut(12, Some(1));
        assert!(a.is_none() && b.is_some(), "a flow beyond the capacity");
    }
}
