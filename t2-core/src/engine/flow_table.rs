//! The flow table: T2's unidirectional flows, A/B pairing, findex numbering, the LRU list with
//! one sentinel per registered timeout, and the fragment map (spec §1.4-§1.6).
//!
//! Contract:
//! - Flows live in a fixed-capacity array of [`T2Flow`] allocated once (zeroed lazily by the OS),
//!   at a fixed address for the whole run, because plugins hold pointers into it. Slot indices
//!   come from a LIFO free list (0, 1, 2, ... initially; a freed slot is reused first), as T2's
//!   `flowIndex`.
//! - One doubly linked LRU list holds every live flow (most recently seen at the head) and one
//!   sentinel node per registered timeout. [`FlowTable::expired_pairs`] reproduces T2's walk:
//!   each handler, largest timeout first, walks from its sentinel toward the head over flows
//!   idle for at least its timeout, collecting pairs whose both members are idle for at least
//!   their own timeout; then its sentinel is moved to where the walk stopped.
//! - Nothing here allocates per packet once the hash maps have grown to the working set.
//!
//! The table never calls plugins; the engine does, around these operations.

use hashbrown::HashMap;
use std::alloc::{Layout, alloc_zeroed, dealloc};
use t2_abi::{T2_FLOW_NONE, T2Flow, T2Time};

/// Marks "no node" in the LRU links.
const NIL: u32 = u32::MAX;

/// The key of a unidirectional flow (spec §1.4). IPv4 addresses use the first 4 bytes.
///
/// Laid out as exactly 64 bytes without padding (`_pad` is always zero), so hashing and
/// comparing work on eight machine words instead of twelve fields: the lookup runs for every
/// packet. `sctp_stream` and `sctp_vtag` are zero unless `SCTP_ACTIVATE` puts the SCTP stream
/// ID and/or verification tag into the key.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FlowKey {
    pub src_ip: [u8; 16],
    pub dst_ip: [u8; 16],
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    pub eth_type: u16,
    pub vlan_id: u16,
    pub src_port: u16,
    pub dst_port: u16,
    pub ip_ver: u8,
    pub l4_proto: u8,
    pub sctp_stream: u16,
    pub sctp_vtag: u32,
    pub _pad: u32,
}

const _: () = assert!(std::mem::size_of::<FlowKey>() == 64);

impl FlowKey {
    #[inline]
    fn words(&self) -> [u64; 8] {
        // SAFETY: FlowKey is repr(C), 64 bytes, with no padding (asserted above and by the
        // field sizes: 16+16+6+6+4×2+2×1+2+4+4), so every byte is initialised.
        unsafe { std::mem::transmute::<FlowKey, [u64; 8]>(*self) }
    }
}

impl PartialEq for FlowKey {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        // A fold over the words instead of an array comparison, which becomes a `memcmp` call.
        let (a, b) = (self.words(), other.words());
        (0..8).fold(0u64, |acc, i| acc | (a[i] ^ b[i])) == 0
    }
}

impl Eq for FlowKey {}

impl std::hash::Hash for FlowKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for w in self.words() {
            state.write_u64(w);
        }
    }
}

impl FlowKey {
    /// The key of the opposite direction: addresses, MACs and ports swapped.
    pub fn reversed(&self) -> FlowKey {
        FlowKey {
            src_ip: self.dst_ip,
            dst_ip: self.src_ip,
            src_mac: self.dst_mac,
            dst_mac: self.src_mac,
            src_port: self.dst_port,
            dst_port: self.src_port,
            ..*self
        }
    }
}

/// Key of the fragment map: the flow key with the ports replaced by the IP identification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FragKey {
    pub src_ip: [u8; 16],
    pub dst_ip: [u8; 16],
    pub eth_type: u16,
    pub vlan_id: u16,
    pub ip_ver: u8,
    pub l4_proto: u8,
    pub id: u32,
}

/// Core-private per-slot data (T2Flow holds what plugins may see).
#[derive(Clone, Copy, Debug)]
struct Node {
    prev: u32, // toward the tail (older)
    next: u32, // toward the head (newer)
    key: FlowKey,
    /// IPv4 identification last recorded (DUPIPID); 0 until the flow's second packet.
    last_ip_id: u16,
    /// Fragment ID of the fragment sequence the flow is in (FRAG_ERR detection).
    frag_id: u32,
    /// Number of fragment-map entries pointing at this flow.
    pending_frags: u16,
    live: bool,
}

const EMPTY_NODE: Node = Node {
    prev: NIL,
    next: NIL,
    key: FlowKey {
        src_ip: [0; 16],
        dst_ip: [0; 16],
        src_mac: [0; 6],
        dst_mac: [0; 6],
        eth_type: 0,
        vlan_id: 0,
        src_port: 0,
        dst_port: 0,
        ip_ver: 0,
        l4_proto: 0,
        sctp_stream: 0,
        sctp_vtag: 0,
        _pad: 0,
    },
    last_ip_id: 0,
    frag_id: 0,
    pending_frags: 0,
    live: false,
};

/// A zeroed, fixed-address array of flows.
struct FlowArray {
    ptr: *mut T2Flow,
    len: usize,
}

impl FlowArray {
    fn new(len: usize) -> FlowArray {
        let layout = Layout::array::<T2Flow>(len.max(1)).expect("flow capacity overflows memory");
        // SAFETY: the layout has non-zero size; T2Flow is plain data for which all-zero bytes
        // are a valid value.
        let ptr = unsafe { alloc_zeroed(layout) } as *mut T2Flow;
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        FlowArray { ptr, len }
    }
}

impl Drop for FlowArray {
    fn drop(&mut self) {
        let layout = Layout::array::<T2Flow>(self.len.max(1)).expect("layout was valid at allocation");
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.ptr as *mut u8, layout) }
    }
}

/// A timeout handler: its value and its sentinel node.
#[derive(Clone, Copy, Debug)]
struct Handler {
    timeout: f32,
    sentinel: u32,
}

/// Result of looking up or creating the flow of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// An existing flow.
    Found(u32),
    /// A flow was created in this slot.
    Created(u32),
    /// The table is full and eviction is off (or impossible).
    Full,
}

/// The flow table.
pub struct FlowTable {
    flows: FlowArray,
    /// Nodes of flow slots, grown as slots are first used (node ids `0..capacity`).
    nodes: Vec<Node>,
    /// Sentinel nodes (node ids `capacity..`).
    sentinels: Vec<Node>,
    /// Freed slots, reused last-freed first.
    free: Vec<u32>,
    /// Slots never used yet start here (so slots are handed out 0, 1, 2, ... as T2 does).
    fresh: u32,
    map: HashMap<FlowKey, u32>,
    frags: HashMap<FragKey, u32>,
    head: u32,
    tail: u32,
    handlers: Vec<Handler>,
    capacity: u32,
    live: u32,
    /// Highest number of flows in memory at once.
    pub max_live: u32,
    /// Last assigned findex.
    pub last_findex: u64,
    pub a_flows: u64,
    pub b_flows: u64,
}

impl FlowTable {
    /// A table for `capacity` flows with the default timeout registered.
    pub fn new(capacity: u32, default_timeout: f32) -> FlowTable {
        let cap = capacity as usize;
        // Nothing per slot is touched before it is used: memory follows the flows in memory
        // at once, not the capacity.
        let mut t = FlowTable {
            flows: FlowArray::new(cap),
            nodes: Vec::new(),
            sentinels: Vec::new(),
            free: Vec::new(),
            fresh: 0,
            map: HashMap::new(),
            frags: HashMap::new(),
            head: NIL,
            tail: NIL,
            handlers: Vec::new(),
            capacity,
            live: 0,
            max_live: 0,
            last_findex: 0,
            a_flows: 0,
            b_flows: 0,
        };
        t.register_timeout(default_timeout);
        t
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    pub fn live(&self) -> u32 {
        self.live
    }

    /// Base address of the flow array (handed to plugins).
    pub fn flows_ptr(&self) -> *mut T2Flow {
        self.flows.ptr
    }

    /// Registers a timeout value (idempotent). Handlers are kept sorted, largest first.
    pub fn register_timeout(&mut self, timeout: f32) {
        if self.handlers.iter().any(|h| h.timeout == timeout) {
            return;
        }
        let sentinel = self.capacity + self.sentinels.len() as u32;
        self.sentinels.push(EMPTY_NODE);
        // A new sentinel starts at the tail: every flow is head-ward of it.
        self.link_at_tail(sentinel);
        self.handlers.push(Handler { timeout, sentinel });
        self.handlers.sort_by(|a, b| b.timeout.total_cmp(&a.timeout));
    }

    /// Whether `timeout` was registered.
    pub fn is_registered(&self, timeout: f32) -> bool {
        self.handlers.iter().any(|h| h.timeout == timeout)
    }

    /// The flow in `slot`.
    ///
    /// The reference must not be held across a plugin call (plugins write flows through raw
    /// pointers).
    #[inline]
    pub fn flow(&self, slot: u32) -> &T2Flow {
        assert!(slot < self.capacity);
        // SAFETY: slot < capacity; the array lives as long as self; callers do not keep the
        // reference across plugin calls (see above).
        unsafe { &*self.flows.ptr.add(slot as usize) }
    }

    /// Mutable access to the flow in `slot` (same rule as [`FlowTable::flow`]).
    #[inline]
    pub fn flow_mut(&mut self, slot: u32) -> &mut T2Flow {
        assert!(slot < self.capacity);
        // SAFETY: as in `flow`; `&mut self` guarantees no other reference from this table.
        unsafe { &mut *self.flows.ptr.add(slot as usize) }
    }

    pub fn key(&self, slot: u32) -> &FlowKey {
        &self.nodes[slot as usize].key
    }

    pub fn is_live(&self, slot: u32) -> bool {
        (slot as usize) < self.nodes.len() && self.nodes[slot as usize].live
    }

    pub fn lookup(&self, key: &FlowKey) -> Option<u32> {
        self.map.get(key).copied()
    }

    /// Creates the flow for `key` at time `ts` (the caller has checked it does not exist and
    /// that a slot is free). Links it with its reverse flow if present and assigns findex and
    /// T2's direction heuristic (spec §1.4). `syn_ack` is true for a TCP packet with SYN and ACK.
    pub fn create(&mut self, key: FlowKey, ts: T2Time, timeout: f32, base_status: u64, syn_ack: bool) -> Option<u32> {
        use t2_abi::flow_stat::{L3FLOWINVERT, LANDATTACK};
        let slot = match self.free.pop() {
            Some(s) => s,
            None if self.fresh < self.capacity => {
                self.fresh += 1;
                self.nodes.push(EMPTY_NODE);
                self.fresh - 1
            }
            None => return None,
        };
        self.map.insert(key, slot);
        let node = &mut self.nodes[slot as usize];
        *node = EMPTY_NODE;
        node.key = key;
        node.live = true;
        self.link_at_head(slot);
        self.live += 1;
        self.max_live = self.max_live.max(self.live);

        let rev = key.reversed();
        let mut status = base_status;
        let mut opposite = T2_FLOW_NONE;
        let findex;
        if rev == key {
            // Same addresses and ports both ways: a flow of its own (T2 flags TCP as a land attack).
            self.last_findex += 1;
            findex = self.last_findex;
            self.a_flows += 1;
            if key.l4_proto == 6 && key.ip_ver != 0 {
                status |= LANDATTACK;
            }
            if direction_heuristic(&key, syn_ack) {
                status |= L3FLOWINVERT;
            }
        } else if let Some(&other) = self.map.get(&rev) {
            let o = self.flow_mut(other);
            o.opposite = slot as u64;
            findex = o.findex;
            if o.status & L3FLOWINVERT == 0 {
                status |= L3FLOWINVERT;
            }
            opposite = other as u64;
            self.b_flows += 1;
        } else {
            self.last_findex += 1;
            findex = self.last_findex;
            self.a_flows += 1;
            if direction_heuristic(&key, syn_ack) {
                status |= L3FLOWINVERT;
            }
        }

        let f = self.flow_mut(slot);
        *f = T2Flow {
            status,
            findex,
            opposite,
            first_seen: ts,
            last_seen: ts,
            pad_len: 0,
            timeout,
            vlan_id: key.vlan_id,
            eth_type: key.eth_type,
            src_port: key.src_port,
            dst_port: key.dst_port,
            ip_ver: key.ip_ver,
            l4_proto: key.l4_proto,
            _pad0: [0; 2],
            src_ip: key.src_ip,
            dst_ip: key.dst_ip,
            src_mac: key.src_mac,
            dst_mac: key.dst_mac,
            _pad1: [0; 4],
        };
        Some(slot)
    }

    /// Whether a slot is free.
    pub fn has_free_slot(&self) -> bool {
        !self.free.is_empty() || self.fresh < self.capacity
    }

    /// Moves a flow to the LRU head (it just saw a packet).
    pub fn touch(&mut self, slot: u32) {
        if self.head == slot {
            return;
        }
        self.unlink(slot);
        self.link_at_head(slot);
    }

    /// Records the IPv4 ID of a packet of the flow; returns true when it repeats the previously
    /// recorded non-zero ID (T2's `DUPIPID`).
    pub fn note_ip_id(&mut self, slot: u32, id: u16) -> bool {
        let n = &mut self.nodes[slot as usize];
        let dup = id != 0 && n.last_ip_id == id;
        n.last_ip_id = id;
        dup
    }

    /// Removes a flow (not its opposite): from the map, the LRU list and the fragment map, and
    /// unlinks the opposite's back reference. Returns true if fragment entries were pending.
    pub fn remove(&mut self, slot: u32) -> bool {
        let node = self.nodes[slot as usize];
        if !node.live {
            return false;
        }
        self.map.remove(&node.key);
        self.unlink(slot);
        let opp = self.flow(slot).opposite;
        if opp != T2_FLOW_NONE && self.is_live(opp as u32) {
            self.flow_mut(opp as u32).opposite = T2_FLOW_NONE;
        }
        let pending = node.pending_frags > 0;
        if pending {
            self.frags.retain(|_, v| *v != slot);
        }
        self.nodes[slot as usize] = EMPTY_NODE;
        self.free.push(slot);
        self.live -= 1;
        pending
    }

    /// Maps a later fragment's key to the flow of its first fragment. Returns the other flow
    /// the key was mapped to, whose sequence this one replaces.
    pub fn frag_insert(&mut self, key: FragKey, slot: u32) -> Option<u32> {
        let previous = self.frags.insert(key, slot);
        if previous != Some(slot) {
            let n = &mut self.nodes[slot as usize];
            n.pending_frags = n.pending_frags.saturating_add(1);
            if let Some(old) = previous {
                let n = &mut self.nodes[old as usize];
                n.pending_frags = n.pending_frags.saturating_sub(1);
            }
        }
        previous.filter(|&old| old != slot)
    }

    /// The flow a later fragment belongs to; `last` removes the mapping (no more fragments).
    pub fn frag_lookup(&mut self, key: &FragKey, last: bool) -> Option<u32> {
        let slot = *self.frags.get(key)?;
        if last {
            self.frags.remove(key);
            let n = &mut self.nodes[slot as usize];
            n.pending_frags = n.pending_frags.saturating_sub(1);
        }
        Some(slot)
    }

    /// Records the fragment ID of the sequence the flow is in; returns the previous one.
    pub fn swap_frag_id(&mut self, slot: u32, id: u32) -> u32 {
        std::mem::replace(&mut self.nodes[slot as usize].frag_id, id)
    }

    /// Whether the flow has fragment-map entries (a fragment sequence not finished).
    pub fn has_pending_frags(&self, slot: u32) -> bool {
        self.nodes[slot as usize].pending_frags > 0
    }

    /// Flow slots from the LRU tail (least recently seen) to the head, sentinels skipped.
    pub fn lru_from_tail(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.live as usize);
        let mut cur = self.tail;
        while cur != NIL {
            if cur < self.capacity {
                out.push(cur);
            }
            cur = self.node(cur).next;
        }
        out
    }

    /// The least recently seen flow (autopilot eviction candidate).
    pub fn oldest(&self) -> Option<u32> {
        let mut cur = self.tail;
        while cur != NIL {
            if cur < self.capacity {
                return Some(cur);
            }
            cur = self.node(cur).next;
        }
        None
    }

    /// T2's `cycleLRULists` with `now` = the current packet's time: returns the flows to
    /// terminate, in termination order, each with its opposite (if any) right after it in the
    /// same call of `emit`. The flows are NOT removed; the caller prints then removes them.
    pub fn expired(&mut self, now: T2Time, mut emit: impl FnMut(&mut FlowTable, u32)) {
        for h in 0..self.handlers.len() {
            let Handler { timeout, sentinel } = self.handlers[h];
            let mut cur = self.node(sentinel).next;
            let mut stop = NIL;
            // Whether the walk passed a flow: if not, only sentinels lie between this one and
            // where it would move, and their order among themselves changes no walk, so the
            // sentinel stays (the usual case: most packets expire nothing).
            let mut passed_a_flow = false;
            while cur != NIL {
                if cur >= self.capacity {
                    // Another handler's sentinel: step over it.
                    cur = self.node(cur).next;
                    continue;
                }
                if idle(now, self.flow(cur).last_seen) < timeout {
                    stop = cur;
                    break;
                }
                passed_a_flow = true;
                let mut next = self.node(cur).next;
                if self.pair_expired(now, cur) {
                    let opp = self.flow(cur).opposite;
                    if opp != T2_FLOW_NONE && opp as u32 == next {
                        next = self.node(next).next;
                    }
                    emit(self, cur);
                    // `emit` removed cur and its opposite; `next` is still live unless emit
                    // removed it, which only the opposite could be.
                }
                cur = next;
            }
            if !passed_a_flow {
                continue;
            }
            // Move the sentinel just tail-ward of where the walk stopped (or to the head).
            self.unlink(sentinel);
            if stop == NIL {
                self.link_at_head(sentinel);
            } else {
                self.link_before(sentinel, stop);
            }
        }
    }

    /// Both members of the pair are idle for at least their own timeout.
    fn pair_expired(&self, now: T2Time, slot: u32) -> bool {
        let f = self.flow(slot);
        if idle(now, f.last_seen) < f.timeout {
            return false;
        }
        let opp = f.opposite;
        if opp == T2_FLOW_NONE || !self.is_live(opp as u32) {
            return true;
        }
        let o = self.flow(opp as u32);
        idle(now, o.last_seen) >= o.timeout
    }

    fn unlink(&mut self, n: u32) {
        let Node { prev, next, .. } = *self.node(n);
        if prev != NIL {
            self.node_mut(prev).next = next;
        } else if self.tail == n {
            self.tail = next;
        }
        if next != NIL {
            self.node_mut(next).prev = prev;
        } else if self.head == n {
            self.head = prev;
        }
        self.node_mut(n).prev = NIL;
        self.node_mut(n).next = NIL;
    }

    fn link_at_head(&mut self, n: u32) {
        self.node_mut(n).prev = self.head;
        self.node_mut(n).next = NIL;
        if self.head != NIL {
            self.node_mut(self.head).next = n;
        } else {
            self.tail = n;
        }
        self.head = n;
    }

    fn link_at_tail(&mut self, n: u32) {
        self.node_mut(n).next = self.tail;
        self.node_mut(n).prev = NIL;
        if self.tail != NIL {
            self.node_mut(self.tail).prev = n;
        } else {
            self.head = n;
        }
        self.tail = n;
    }

    /// Links `n` immediately tail-ward of `at`.
    fn link_before(&mut self, n: u32, at: u32) {
        let prev = self.node(at).prev;
        self.node_mut(n).prev = prev;
        self.node_mut(n).next = at;
        self.node_mut(at).prev = n;
        if prev != NIL {
            self.node_mut(prev).next = n;
        } else {
            self.tail = n;
        }
    }

    #[inline]
    fn node(&self, id: u32) -> &Node {
        if id < self.capacity { &self.nodes[id as usize] } else { &self.sentinels[(id - self.capacity) as usize] }
    }

    #[inline]
    fn node_mut(&mut self, id: u32) -> &mut Node {
        if id < self.capacity { &mut self.nodes[id as usize] } else { &mut self.sentinels[(id - self.capacity) as usize] }
    }
}

/// Seconds from `then` to `now` in single precision, as T2 compares timeouts.
///
/// (The differences are taken in integers, then converted: the same values as converting
/// first, since packet seconds are 32-bit and both differences are exact in an f64, and a
/// signed conversion is one instruction where an unsigned one is several; this runs for
/// every timeout handler on every packet.)
#[inline]
pub fn idle(now: T2Time, then: T2Time) -> f32 {
    let d = (now.sec as i64).wrapping_sub(then.sec as i64) as f64
        + (now.nsec as i64 - then.nsec as i64) as f64 * 1e-9;
    d as f32
}

/// T2's guess that a new flow without a reverse flow is the answer, not the request
/// (spec §1.4): a low source port below the destination port, a source port of
/// 8080/8081/8088/8089, or a TCP SYN-ACK.
pub fn direction_heuristic(key: &FlowKey, syn_ack: bool) -> bool {
    let sp = key.src_port;
    (sp < 1024 && sp < key.dst_port) || (sp & 0xfff6) == 8080 || (key.l4_proto == 6 && syn_ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_is_the_difference_converted_first() {
        // T2's definition: each value converted to a double, then subtracted. Every 32-bit
        // second and every (even broken, >= 1e9) fraction gives the same float.
        let by_definition = |now: T2Time, then: T2Time| -> f32 {
            ((now.sec as f64 - then.sec as f64) + (now.nsec as f64 - then.nsec as f64) * 1e-9) as f32
        };
        let secs = [0u64, 1, 59, 1_600_000_000, 1_600_000_182, u32::MAX as u64 - 1, u32::MAX as u64];
        let fracs = [0u32, 1, 999, 500_000_000, 999_999_999, 1_000_000_000, u32::MAX];
        for &a in &secs {
            for &b in &secs {
                for &x in &fracs {
                    for &y in &fracs {
                        let (now, then) = (T2Time { sec: a, nsec: x, _pad: 0 }, T2Time { sec: b, nsec: y, _pad: 0 });
                        assert_eq!(idle(now, then).to_bits(), by_definition(now, then).to_bits(), "{now:?} {then:?}");
                    }
                }
            }
        }
    }

    fn key(sip: u8, sp: u16, dip: u8, dp: u16) -> FlowKey {
        let mut k = FlowKey { ip_ver: 4, l4_proto: 17, eth_type: 0x0800, src_port: sp, dst_port: dp, ..Default::default() };
        k.src_ip[..4].copy_from_slice(&[10, 0, 0, sip]);
        k.dst_ip[..4].copy_from_slice(&[10, 0, 0, dip]);
        k
    }

    fn t(sec: u64) -> T2Time {
        T2Time { sec, nsec: 0, _pad: 0 }
    }

    #[test]
    fn slots_are_lifo_from_zero() {
        let mut ft = FlowTable::new(4, 182.0);
        let a = ft.create(key(1, 5000, 2, 53), t(0), 182.0, 0, false).unwrap();
        let b = ft.create(key(3, 5000, 2, 53), t(0), 182.0, 0, false).unwrap();
        assert_eq!((a, b), (0, 1));
        ft.remove(a);
        assert_eq!(ft.create(key(4, 5000, 2, 53), t(0), 182.0, 0, false), Some(0));
    }

    #[test]
    fn reverse_flow_shares_findex_and_gets_inverted() {
        let mut ft = FlowTable::new(8, 182.0);
        let a = ft.create(key(1, 5000, 2, 53), t(0), 182.0, 0, false).unwrap();
        let b = ft.create(key(2, 53, 1, 5000), t(1), 182.0, 0, false).unwrap();
        assert_eq!(ft.flow(a).findex, 1);
        assert_eq!(ft.flow(b).findex, 1);
        assert_eq!(ft.flow(a).opposite, b as u64);
        assert_eq!(ft.flow(b).opposite, a as u64);
        assert_eq!(ft.flow(a).status & 1, 0);
        assert_eq!(ft.flow(b).status & 1, 1);
        assert_eq!((ft.a_flows, ft.b_flows), (1, 1));
    }

    #[test]
    fn heuristic_inverts_low_source_port() {
        let mut ft = FlowTable::new(8, 182.0);
        let a = ft.create(key(2, 53, 1, 5000), t(0), 182.0, 0, false).unwrap();
        assert_eq!(ft.flow(a).status & 1, 1);
        let b = ft.create(key(1, 5000, 2, 53), t(1), 182.0, 0, false).unwrap();
        assert_eq!(ft.flow(b).status & 1, 0, "the partner of an inverted flow is not inverted");
        assert!(direction_heuristic(&key(1, 8088, 2, 80), false));
        assert!(!direction_heuristic(&key(1, 8082, 2, 80), false));
    }

    #[test]
    fn timeout_walk_terminates_only_idle_pairs_in_lru_order() {
        let mut ft = FlowTable::new(8, 182.0);
        let a = ft.create(key(1, 5000, 2, 53), t(0), 182.0, 0, false).unwrap();
        let b = ft.create(key(3, 5000, 2, 53), t(10), 182.0, 0, false).unwrap();
        let c = ft.create(key(4, 5000, 2, 53), t(300), 182.0, 0, false).unwrap();
        let mut got = Vec::new();
        ft.expired(t(191), |ft, s| {
            got.push(s);
            ft.remove(s);
        });
        assert_eq!(got, vec![a]);
        got.clear();
        ft.expired(t(400), |ft, s| {
            got.push(s);
            ft.remove(s);
        });
        assert_eq!(got, vec![b]);
        assert!(ft.is_live(c));
    }

    #[test]
    fn pair_waits_for_both_directions() {
        let mut ft = FlowTable::new(8, 182.0);
        let a = ft.create(key(1, 5000, 2, 53), t(0), 182.0, 0, false).unwrap();
        let b = ft.create(key(2, 53, 1, 5000), t(100), 182.0, 0, false).unwrap();
        let mut got = Vec::new();
        ft.expired(t(200), |_, s| got.push(s));
        assert!(got.is_empty(), "b is only 100 s idle");
        ft.expired(t(290), |ft, s| {
            got.push(s);
            let o = ft.flow(s).opposite as u32;
            ft.remove(s);
            ft.remove(o);
        });
        assert_eq!(got, vec![b], "a was passed over by the sentinel; b's expiry ends the pair");
        assert!(!ft.is_live(a));
    }

    #[test]
    fn fragments_map_to_first_fragment_flow() {
        let mut ft = FlowTable::new(8, 182.0);
        let a = ft.create(key(1, 5000, 2, 53), t(0), 182.0, 0, false).unwrap();
        let fk = FragKey { id: 77, ip_ver: 4, l4_proto: 17, ..Default::default() };
        ft.frag_insert(fk, a);
        assert!(ft.has_pending_frags(a));
        assert_eq!(ft.frag_lookup(&fk, false), Some(a));
        assert_eq!(ft.frag_lookup(&fk, true), Some(a));
        assert!(!ft.has_pending_frags(a));
        assert_eq!(ft.frag_lookup(&fk, true), None);
    }

    #[test]
    fn a_second_first_fragment_with_the_same_key_takes_the_sequence_over() {
        let mut ft = FlowTable::new(8, 182.0);
        let a = ft.create(key(1, 0, 2, 0), t(0), 182.0, 0, false).unwrap();
        let b = ft.create(key(1, 701, 2, 12), t(0), 182.0, 0, false).unwrap();
        let fk = FragKey { id: 45839, ip_ver: 4, l4_proto: 17, ..Default::default() };
        assert_eq!(ft.frag_insert(fk, a), None);
        // The same sequence repeated in the same flow replaces nothing.
        assert_eq!(ft.frag_insert(fk, a), None);
        assert_eq!(ft.frag_insert(fk, b), Some(a));
        assert!(!ft.has_pending_frags(a));
        assert!(ft.has_pending_frags(b));
        assert_eq!(ft.frag_lookup(&fk, true), Some(b));
        assert!(!ft.has_pending_frags(b));
    }
}
