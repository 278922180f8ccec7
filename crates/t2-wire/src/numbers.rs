//! Wire-number newtypes: ethertypes, IP protocol numbers and pcap link types.
//!
//! Contract: each is `#[repr(transparent)]` over the wire integer, converts losslessly both
//! ways, and names the values the dissector and plugins use as associated constants. Unknown
//! values are simply other values (open sets), never an error.

/// An Ethernet type / protocol identifier (IEEE 802 "EtherType").
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EtherType(pub u16);

impl EtherType {
    pub const IPV4: EtherType = EtherType(0x0800);
    pub const ARP: EtherType = EtherType(0x0806);
    pub const WOL: EtherType = EtherType(0x0842);
    pub const TEB: EtherType = EtherType(0x6558);
    pub const DEC_DNA: EtherType = EtherType(0x6003);
    pub const RARP: EtherType = EtherType(0x8035);
    pub const AARP: EtherType = EtherType(0x80f3);
    pub const VLAN: EtherType = EtherType(0x8100);
    pub const IPX: EtherType = EtherType(0x8137);
    pub const SNMP: EtherType = EtherType(0x814c);
    pub const IPV6: EtherType = EtherType(0x86dd);
    pub const PPP: EtherType = EtherType(0x880b);
    pub const SLOW: EtherType = EtherType(0x8809);
    pub const MPLS_UCAST: EtherType = EtherType(0x8847);
    pub const MPLS_MCAST: EtherType = EtherType(0x8848);
    pub const PPPOE_D: EtherType = EtherType(0x8863);
    pub const PPPOE_S: EtherType = EtherType(0x8864);
    pub const MSNLB: EtherType = EtherType(0x886f);
    pub const EAPOL: EtherType = EtherType(0x888e);
    pub const AOE: EtherType = EtherType(0x88a2);
    pub const QINQ: EtherType = EtherType(0x88a8);
    pub const LLDP: EtherType = EtherType(0x88cc);
    pub const ERSPAN2: EtherType = EtherType(0x88be);
    pub const ERSPAN3: EtherType = EtherType(0x22eb);
    pub const PTP: EtherType = EtherType(0x88f7);
    pub const CFM: EtherType = EtherType(0x8902);
    pub const QINQ_OLD: EtherType = EtherType(0x9100);
    pub const QINQ_OLD2: EtherType = EtherType(0x9200);
    pub const LOOP: EtherType = EtherType(0x9000);
    pub const WCCP: EtherType = EtherType(0x883e);
}

impl From<u16> for EtherType {
    fn from(v: u16) -> Self {
        EtherType(v)
    }
}
impl From<EtherType> for u16 {
    fn from(v: EtherType) -> u16 {
        v.0
    }
}

/// An IP protocol number (IPv4 protocol / IPv6 next header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct IpProto(pub u8);

impl IpProto {
    pub const HOPOPTS: IpProto = IpProto(0);
    pub const ICMP: IpProto = IpProto(1);
    pub const IGMP: IpProto = IpProto(2);
    pub const IPIP: IpProto = IpProto(4);
    pub const TCP: IpProto = IpProto(6);
    pub const UDP: IpProto = IpProto(17);
    pub const IPV6: IpProto = IpProto(41);
    pub const ROUTING: IpProto = IpProto(43);
    pub const FRAGMENT: IpProto = IpProto(44);
    pub const GRE: IpProto = IpProto(47);
    pub const ESP: IpProto = IpProto(50);
    pub const AH: IpProto = IpProto(51);
    pub const ICMPV6: IpProto = IpProto(58);
    pub const NONXT: IpProto = IpProto(59);
    pub const DSTOPTS: IpProto = IpProto(60);
    pub const ETHERIP: IpProto = IpProto(97);
    pub const PIM: IpProto = IpProto(103);
    pub const SCTP: IpProto = IpProto(132);
    pub const MOBILITY: IpProto = IpProto(135);
    pub const UDPLITE: IpProto = IpProto(136);
}

impl From<u8> for IpProto {
    fn from(v: u8) -> Self {
        IpProto(v)
    }
}
impl From<IpProto> for u8 {
    fn from(v: IpProto) -> u8 {
        v.0
    }
}

/// A pcap link type (LINKTYPE_* value as stored in the file).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const EN10MB: LinkType = LinkType(1);
    pub const PPP: LinkType = LinkType(9);
    /// DLT_RAW as some systems number it (12 or 14).
    pub const RAW_DLT12: LinkType = LinkType(12);
    pub const RAW_DLT14: LinkType = LinkType(14);
    pub const PPP_SERIAL: LinkType = LinkType(50);
    pub const PPP_ETHER: LinkType = LinkType(51);
    pub const RAW: LinkType = LinkType(101);
    pub const C_HDLC: LinkType = LinkType(104);
    pub const IEEE802_11: LinkType = LinkType(105);
    pub const FRELAY: LinkType = LinkType(107);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const PRISM_HEADER: LinkType = LinkType(119);
    pub const IEEE802_11_RADIO: LinkType = LinkType(127);
    pub const JUNIPER_ATM1: LinkType = LinkType(137);
    pub const PPP_WITH_DIR: LinkType = LinkType(204);
    pub const C_HDLC_WITH_DIR: LinkType = LinkType(205);
    pub const FRELAY_WITH_DIR: LinkType = LinkType(206);
    pub const LINUX_LAPD: LinkType = LinkType(177);
    pub const JUNIPER_ETHER: LinkType = LinkType(178);
    pub const JUNIPER_PPPOE: LinkType = LinkType(167);
    pub const PPI: LinkType = LinkType(192);
    pub const SYMANTEC_FIREWALL: LinkType = LinkType(99);
    pub const LAPD: LinkType = LinkType(203);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const ETHERNET_MPACKET: LinkType = LinkType(274);
    pub const LINUX_SLL2: LinkType = LinkType(276);
}

impl From<u32> for LinkType {
    fn from(v: u32) -> Self {
        LinkType(v)
    }
}
