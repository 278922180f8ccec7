//! AGGREGATIONFLAG (spec §1.13): coarsening an IP flow's key before its lookup, so that flows
//! differing only in the selected fields are counted as one.
//!
//! Contract: [`apply`] changes only the fields whose bit is set in [`Aggregation::flags`]:
//! `l4Proto` and the VLAN ID become 0, an address keeps its first `*CMSK` bits (IPv4 or IPv6
//! prefix by the key's IP version), a port becomes 1 when it lies inside its inclusive range
//! and 0 otherwise. Source and destination are the packet's own (the direction it travels), so
//! the reverse lookup of a reply sees the reply's fields coarsened by the same rule. The
//! coarsened key is the flow's key: the columns printed from it (basicFlow's srcIP, ports,
//! l4Proto) show the aggregated values.

use crate::config::Aggregation;

use super::flow_table::FlowKey;

/// Coarsens `key` in place as `agg` selects (no-op when no bit is set).
#[inline]
pub fn apply(agg: &Aggregation, key: &mut FlowKey) {
    let f = agg.flags;
    if f == 0 {
        return;
    }
    if f & Aggregation::L4PROT != 0 {
        key.l4_proto = 0;
    }
    if f & Aggregation::VLANID != 0 {
        key.vlan_id = 0;
    }
    if f & Aggregation::SRCPORT != 0 {
        key.src_port = in_range(key.src_port, agg.src_ports);
    }
    if f & Aggregation::DSTPORT != 0 {
        key.dst_port = in_range(key.dst_port, agg.dst_ports);
    }
    let v6 = key.ip_ver == 6;
    if f & Aggregation::SRCIP != 0 {
        keep_prefix(&mut key.src_ip, if v6 { agg.src_ip6_prefix } else { agg.src_ip4_prefix }, v6);
    }
    if f & Aggregation::DSTIP != 0 {
        keep_prefix(&mut key.dst_ip, if v6 { agg.dst_ip6_prefix } else { agg.dst_ip4_prefix }, v6);
    }
}

fn in_range(port: u16, (lo, hi): (u16, u16)) -> u16 {
    (lo <= port && port <= hi) as u16
}

/// Zeroes every bit after the first `bits` of the address (IPv4 addresses occupy the first 4
/// bytes of the 16).
fn keep_prefix(addr: &mut [u8; 16], bits: u8, v6: bool) {
    let len = if v6 { 16 } else { 4 };
    let bits = (bits as usize).min(len * 8);
    for (i, b) in addr[..len].iter_mut().enumerate() {
        let kept = bits.saturating_sub(i * 8).min(8);
        *b &= !(0xffu16 >> kept) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key4() -> FlowKey {
        let mut k = FlowKey { ip_ver: 4, l4_proto: 6, vlan_id: 20, src_port: 40000, dst_port: 80, ..FlowKey::default() };
        k.src_ip[..4].copy_from_slice(&[192, 168, 17, 33]);
        k.dst_ip[..4].copy_from_slice(&[10, 1, 2, 3]);
        k
    }

    #[test]
    fn nothing_changes_without_flags() {
        let mut k = key4();
        apply(&Aggregation::default(), &mut k);
        assert_eq!(k, key4());
    }

    #[test]
    fn each_bit_changes_only_its_field() {
        let agg = |flags| Aggregation { flags, ..Aggregation::default() };
        let mut k = key4();
        apply(&agg(Aggregation::SRCIP), &mut k);
        assert_eq!(k.src_ip[..4], [192, 168, 17, 0]);
        assert_eq!(k.dst_ip[..4], [10, 1, 2, 3]);
        assert_eq!((k.src_port, k.dst_port, k.l4_proto, k.vlan_id), (40000, 80, 6, 20));

        let mut k = key4();
        apply(&Aggregation { flags: Aggregation::DSTIP, dst_ip4_prefix: 12, ..Aggregation::default() }, &mut k);
        assert_eq!(k.dst_ip[..4], [10, 0, 0, 0]);
        assert_eq!(k.src_ip[..4], [192, 168, 17, 33]);

        // Port 80 is inside [1, 1024] -> 1; 40000 is not -> 0.
        let mut k = key4();
        apply(&agg(Aggregation::DSTPORT | Aggregation::SRCPORT), &mut k);
        assert_eq!((k.src_port, k.dst_port), (0, 1));

        let mut k = key4();
        apply(&agg(Aggregation::L4PROT | Aggregation::VLANID), &mut k);
        assert_eq!((k.l4_proto, k.vlan_id), (0, 0));
        assert_eq!(k.src_ip, key4().src_ip);
    }

    #[test]
    fn ipv6_prefixes_use_the_ipv6_masks() {
        let mut k = FlowKey { ip_ver: 6, ..FlowKey::default() };
        k.src_ip = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34];
        apply(&Aggregation { flags: Aggregation::SRCIP, ..Aggregation::default() }, &mut k);
        // /120 keeps all but the last byte.
        assert_eq!(k.src_ip, [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0]);
        apply(&Aggregation { flags: Aggregation::SRCIP, src_ip6_prefix: 28, ..Aggregation::default() }, &mut k);
        assert_eq!(k.src_ip[..4], [0x20, 1, 0xd, 0xb0]);
    }
}
