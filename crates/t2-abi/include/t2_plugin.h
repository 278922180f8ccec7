/*
 * t2_plugin.h — the plugin ABI of t2 (a Rust reimplementation of Tranalyzer2), for plugins
 * written in C. This is the C twin of crates/t2-abi/src/lib.rs; a test
 * (crates/t2-abi/tests/c_layout.rs) keeps names, values, sizes and offsets equal.
 *
 * Contract:
 *  - A plugin exports one symbol, `t2_plugin_entry_v1`, returning a pointer to a static
 *    T2PluginDescriptor. Its first four fields (magic, abi_major, abi_minor, size) are frozen.
 *  - Strings are T2Str {ptr, len}: UTF-8, not NUL-terminated, borrowed for the call.
 *  - Minor versions only append fields at the end of structs; read a field only when the
 *    producer's `size` covers it.
 *  - No callback of one plugin instance is ever called concurrently.
 *  - Flow records are encoded as spec §2.2 says: integers/floats in host byte order, strings
 *    NUL-terminated, MAC 6 bytes, IPv4/IPv6 in network order, IPX = uint8 version (0/4/6) then
 *    0/4/16 bytes, times = uint64 sec + uint32 nsec, repeating = uint32 count then the items.
 *    The t2_out_* helpers below do this.
 *
 * Minimal plugin: see crates/t2-abi/examples/c/hello.c.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions and names ------------------------------------------------------------- */

/** "T2PL" as a little-endian u32: the first field of every descriptor. */
#define T2_ABI_MAGIC 0x4C503254u
/** Major version of this ABI. A different major is never loaded. */
#define T2_ABI_MAJOR 1
/** Minor version of this ABI. Plugins of an older or equal minor load. */
#define T2_ABI_MINOR 0
/** Name of the entry symbol every plugin exports. */
#define T2_ENTRY_SYMBOL "t2_plugin_entry_v1"

/** "No such flow": the flow index of on_layer2 for IP packets; T2Flow.opposite when none. */
#define T2_FLOW_NONE UINT64_MAX
/** "This layer is absent" for the *_off fields of T2Packet. */
#define T2_OFF_NONE UINT32_MAX

/* ---- Status codes ------------------------------------------------------------------- */

/** Return code of callbacks and host functions. */
typedef int32_t T2Status;
/** Success. */
#define T2_OK 0
/** The callback failed (and logged why); the host disables the plugin for the run. */
#define T2_ERR 1
/** The callback panicked / crashed in a contained way. Handled like T2_ERR. */
#define T2_PANIC 2
/** A host function got an argument it cannot accept (or was called in the wrong phase). */
#define T2_EINVAL 3

/* ---- Log levels (T2Host.log) and monitoring states ---------------------------------- */

#define T2_LOG_ERR 0u   /**< [ERR] */
#define T2_LOG_WRN 1u   /**< [WRN] */
#define T2_LOG_INF 2u   /**< [INF] */
#define T2_LOG_OK 3u    /**< [OK] */
#define T2_LOG_PLAIN 4u /**< plain line, no prefix */
#define T2_LOG_DBG 5u   /**< debug detail, only when verbose */

#define T2_MON_HEADER 0u /**< monitoring: print the header */
#define T2_MON_VALUES 1u /**< monitoring: print the values */
#define T2_MON_REPORT 2u /**< monitoring: report form */

/* ---- Basic types -------------------------------------------------------------------- */

/** A borrowed UTF-8 string: `len` bytes at `ptr`, not NUL-terminated (ptr may be NULL if len 0). */
typedef struct T2Str {
    const uint8_t *ptr;
    size_t len;
} T2Str;

/** A timestamp or duration: seconds and nanoseconds (nsec < 1e9). */
typedef struct T2Time {
    uint64_t sec;
    uint32_t nsec;
    uint32_t _pad;
} T2Time;

/** One `FLAG = value` pair: a build setting of a plugin or a core setting. */
typedef struct T2ConfigEntry {
    T2Str name;
    T2Str value;
} T2ConfigEntry;

/** One row of a status column's bit table (what `tawk -V` prints). */
typedef struct T2BitDesc {
    uint64_t mask; /**< bit (or exact value), e.g. 0x0040 */
    T2Str name;    /**< short name, e.g. L2_ARP */
    T2Str desc;    /**< description, e.g. ARP */
} T2BitDesc;

/**
 * A flow-file column. `type_` uses T2's codes: I8..I64 U8..U64 H8..H64 F D C S SC MAC IP4 IP6
 * IPX U64.U32 (time), DIR (the core's direction, shown as C); compounds joined with `_`,
 * nested compounds in `(...)` with their own `:R` inside the parentheses, repeating `:R`.
 * Examples: "U16:R", "MAC_MAC_U64:R", "H8_H32", "U8_(U16_IP4:R)".
 */
typedef struct T2ColumnDecl {
    T2Str name;
    T2Str desc;
    T2Str type_;
    const T2BitDesc *bits; /**< optional bit table (NULL/0 when absent) */
    size_t bits_len;
} T2ColumnDecl;

/** The flow-file columns, in output order. */
typedef struct T2Schema {
    const T2ColumnDecl *columns;
    size_t len;
} T2Schema;

/** Name, version and number of a loaded plugin. */
typedef struct T2PluginInfo {
    T2Str name;
    T2Str version;
    uint16_t number;
    uint8_t _pad[6];
} T2PluginInfo;

/**
 * A flow as the core keeps it (the core's memory, valid and fixed for the run). Plugins may
 * change `status`; `timeout` only through T2Host.set_flow_timeout; the rest is read-only.
 */
typedef struct T2Flow {
    uint64_t status;   /**< flowStat: OR of the status bits of every packet */
    uint64_t findex;   /**< flowInd, shared by the A and B flows */
    uint64_t opposite; /**< slot of the opposite flow, or T2_FLOW_NONE */
    T2Time first_seen;
    T2Time last_seen;  /**< latest packet of this direction */
    uint64_t pad_len;  /**< Ethernet padding bytes of the flow */
    float timeout;     /**< idle timeout in seconds (default 182) */
    uint16_t vlan_id;  /**< innermost VLAN ID, 0 if none */
    uint16_t eth_type; /**< 0x0800, 0x86dd, or the L2 protocol of an L2 flow */
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t ip_ver;    /**< 4, 6, or 0 for a layer-2 flow */
    uint8_t l4_proto;
    uint8_t _pad0[2];
    uint8_t src_ip[16]; /**< IPv4 in the first 4 bytes */
    uint8_t dst_ip[16];
    uint8_t src_mac[6]; /**< MACs of the flow key (L2 flows, or ETH_ACTIVATE=2) */
    uint8_t dst_mac[6];
    uint8_t _pad1[4];
} T2Flow;

/**
 * One packet, valid during on_new_flow/on_layer2/on_layer4. Offsets are into `data`
 * (T2_OFF_NONE when the layer is absent).
 */
typedef struct T2Packet {
    uint32_t size;     /**< size of this struct as filled by the host */
    uint32_t linktype; /**< pcap link type */
    const uint8_t *data;
    uint32_t caplen;   /**< captured bytes at data */
    uint32_t wirelen;  /**< length on the wire */
    T2Time ts;
    uint64_t pkt_no;   /**< 1-based packet number */
    uint64_t status;   /**< status bits of this packet */
    uint32_t mac_off;  /**< Ethernet header whose MACs the flow records */
    uint32_t l2_off;   /**< innermost layer-2 header */
    uint32_t outer_l3_off;
    uint32_t l3_off;   /**< innermost IP header (the flow's) */
    uint32_t l4_off;
    uint32_t l7_off;
    uint16_t eth_type;
    uint16_t vlan_id;  /**< innermost VLAN ID */
    uint16_t vlan_ids[4]; /**< VLAN tags (full 16-bit TCI: PCP, DEI, VID), outermost first */
    uint8_t vlan_count;
    uint8_t mpls_count;
    uint8_t ip_ver;
    uint8_t l4_proto;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t src_ip[16];
    uint8_t dst_ip[16];
    uint32_t l3_len;   /**< declared IP length */
    uint32_t l4_hdr_len;
    uint32_t l7_len;   /**< declared L7 length */
    uint32_t snap_l3_len;
    uint32_t snap_l4_len;
    uint32_t snap_l7_len;
    uint32_t len;      /**< T2's packet->len (PACKETLENGTH) */
    uint32_t pad_len;  /**< Ethernet padding of this frame */
    uint16_t num_hdrs; /**< headers counted with repetitions */
    uint16_t ip_frag;  /**< IPv4 flags + fragment offset */
    uint32_t ip_id;
    T2Str hdr_desc;    /**< e.g. "eth:vlan{2}:ipv4:tcp" */
} T2Packet;

/** The output record of one flow (host-private). Append with T2Host.out_append / t2_out_*. */
typedef struct T2OutBuf {
    void *host;
} T2OutBuf;

/** An opaque text destination (report, monitoring); written with T2Host.write. */
typedef struct T2Writer {
    void *host;
} T2Writer;

/** A per-flow array a plugin exported. */
typedef struct T2Exported {
    void *base;
    size_t stride; /**< bytes between two flows' entries */
    size_t count;  /**< entries (flow capacity) */
} T2Exported;

/** Run information (what the headers file prints). */
typedef struct T2RunInfo {
    T2Str product;       /**< "Tranalyzer 0.9.3 (Anteater), Cobra" */
    T2Str command_line;
    uint32_t pid;
    int32_t priority;
    uint32_t sensor_id;
    uint32_t _pad;
    T2Time start;        /**< wall-clock start of the run */
    T2Str core_config_desc; /**< "L2, IPv4, IPv6" */
    T2Str hw_info;       /**< nodename;sysname;release;version;machine */
    T2Str sw_info;       /**< capture library version */
    T2Str interfaces;    /**< live interfaces, comma-separated, else empty */
    const T2PluginInfo *plugins;
    size_t plugins_len;
} T2RunInfo;

/** What init receives besides the host table (valid for the run). */
typedef struct T2InitContext {
    uint32_t size;
    uint8_t packet_mode;  /**< 1 when -s is on */
    uint8_t _pad[3];
    uint64_t flow_capacity; /**< flow indices are < flow_capacity */
    T2Flow *flows;        /**< flow i is at (char *)flows + i * flow_stride */
    size_t flow_stride;
    T2Str output_prefix;  /**< -w PREFIX; "-" = flow file on stdout */
    uint64_t split_size;  /**< -W size (0: no split) */
    uint8_t split_by_flows;
    uint8_t _pad2[3];
    uint32_t split_start; /**< first index of split files */
    const T2ConfigEntry *core_config;
    size_t core_config_len;
    T2RunInfo run;
    T2Str plugin_dir;
} T2InitContext;

/** The host's services; `ctx` is passed back as the first argument. */
typedef struct T2Host {
    uint32_t size;
    uint16_t abi_major;
    uint16_t abi_minor;
    void *ctx;
    /** Log with a T2_LOG_* level. */
    void (*log)(void *ctx, uint32_t level, T2Str msg);
    /** Declare a flow-file column (init only). */
    T2Status (*declare_column)(void *ctx, const T2ColumnDecl *decl);
    /** Declare a packet-file column (init only). */
    T2Status (*declare_packet_column)(void *ctx, T2Str name);
    /** All flow-file columns (complete from on_start on). */
    T2Schema (*schema)(void *ctx);
    /** The flow in slot `index`, or NULL. */
    T2Flow *(*flow)(void *ctx, uint64_t index);
    /** Register a timeout (init only). */
    T2Status (*register_timeout)(void *ctx, float seconds);
    /** Give a flow a registered timeout. */
    T2Status (*set_flow_timeout)(void *ctx, uint64_t index, float seconds);
    /** Force mode: terminate the flow (and its opposite) before the next packet. */
    void (*terminate_flow)(void *ctx, uint64_t index);
    /** Alarm mode: report n alarms for the flow being terminated. */
    void (*report_alarms)(void *ctx, uint32_t n);
    /** Packet mode: append one field to this packet's line. */
    void (*packet_field)(void *ctx, T2Str text);
    /** Publish a per-flow array (init only). */
    T2Status (*export_data)(void *ctx, T2Str name, uint32_t layout_version, T2Exported data);
    /** Look up another plugin's per-flow array. */
    T2Status (*import_data)(void *ctx, T2Str name, uint32_t layout_version, T2Exported *out);
    /** Append encoded bytes to a flow's output record. */
    void (*out_append)(T2OutBuf *buf, const uint8_t *data, size_t len);
    /** Append text to a report/monitoring writer. */
    void (*write)(T2Writer *w, T2Str text);
} T2Host;

/** Callbacks; all optional (NULL) except init and finalize. */
typedef struct T2PluginVtable {
    /** Create the instance (declare columns, ...); write it to *instance. host/ctx live for the run. */
    T2Status (*init)(const T2Host *host, const T2InitContext *ctx, void **instance);
    /** After every plugin's init, before the first packet. */
    T2Status (*on_start)(void *instance);
    /** A new flow was created for this packet. */
    T2Status (*on_new_flow)(void *instance, const T2Packet *pkt, uint64_t flow_index);
    /** Every packet with T2_FLOW_NONE; L2 (non-IP) flows again with their index. */
    T2Status (*on_layer2)(void *instance, const T2Packet *pkt, uint64_t flow_index);
    /** Every packet of an IP flow. */
    T2Status (*on_layer4)(void *instance, const T2Packet *pkt, uint64_t flow_index);
    /** The flow ends: append its column values to out. */
    T2Status (*on_flow_terminate)(void *instance, uint64_t flow_index, T2OutBuf *out);
    /** Sinks: one complete record (all columns of T2Host.schema). */
    T2Status (*buffer_to_sink)(void *instance, const uint8_t *record, size_t len);
    /** End report lines. */
    T2Status (*report)(void *instance, T2Writer *out);
    /** Monitoring output (T2_MON_* state). */
    T2Status (*monitoring)(void *instance, uint8_t state, T2Writer *out);
    /** Write side files, free the instance. Called once, also after a failure (instance may be NULL). */
    T2Status (*finalize)(void *instance);
} T2PluginVtable;

/** What t2_plugin_entry_v1 returns. The first four fields are frozen. */
typedef struct T2PluginDescriptor {
    uint32_t magic;     /**< T2_ABI_MAGIC */
    uint16_t abi_major; /**< T2_ABI_MAJOR */
    uint16_t abi_minor; /**< T2_ABI_MINOR */
    uint32_t size;      /**< sizeof(T2PluginDescriptor) */
    uint16_t number;    /**< plugin number (load order) */
    uint16_t _pad;
    T2Str name;
    T2Str version;
    T2Str dependencies; /**< comma-separated names */
    const T2ConfigEntry *build_config;
    size_t build_config_len;
    T2PluginVtable vtable;
} T2PluginDescriptor;

/** Signature of the entry symbol. */
typedef const T2PluginDescriptor *(*T2EntryFn)(void);

/* ---- flowStat bits (spec §1.8) ------------------------------------------------------ */

#define T2_FS_L3FLOWINVERT 0x0000000000000001ull
#define T2_FS_L2_NO_ETH 0x0000000000000002ull
#define T2_FS_L2_FLOW 0x0000000000000004ull
#define T2_FS_L2_PPPOE_D 0x0000000000000008ull
#define T2_FS_L2_PPPOE_S 0x0000000000000010ull
#define T2_FS_L2_LLDP 0x0000000000000020ull
#define T2_FS_L2_ARP 0x0000000000000040ull
#define T2_FS_L2_RARP 0x0000000000000080ull
#define T2_FS_L2_VLAN 0x0000000000000100ull
#define T2_FS_L2_MPLS_UCAST 0x0000000000000200ull
#define T2_FS_L2_MPLS_MCAST 0x0000000000000400ull
#define T2_FS_L2_L2TP 0x0000000000000800ull
#define T2_FS_L2_GRE 0x0000000000001000ull
#define T2_FS_L2_PPP 0x0000000000002000ull
#define T2_FS_L2_IPV4 0x0000000000004000ull
#define T2_FS_L2_IPV6 0x0000000000008000ull
#define T2_FS_L3_IPVX 0x0000000000010000ull
#define T2_FS_L3_IPIP 0x0000000000020000ull
#define T2_FS_L3_ETHIPF 0x0000000000040000ull
#define T2_FS_L3_TRDO 0x0000000000080000ull
#define T2_FS_L3_AYIYA 0x0000000000100000ull
#define T2_FS_L3_GTP 0x0000000000200000ull
#define T2_FS_L3_VXLAN 0x0000000000400000ull
#define T2_FS_L3_CAPWAP 0x0000000000800000ull
#define T2_FS_L4_SCTP 0x0000000001000000ull
#define T2_FS_L4_UPNP 0x0000000002000000ull
#define T2_FS_L2_ERSPAN 0x0000000004000000ull
#define T2_FS_L2_WCCP 0x0000000008000000ull
#define T2_FS_L7_SIPRTP 0x0000000010000000ull
#define T2_FS_L3_GENEVE 0x0000000020000000ull
#define T2_FS_L3_IPSEC_AH 0x0000000040000000ull
#define T2_FS_L3_IPSEC_ESP 0x0000000080000000ull
#define T2_FS_L2SNAPLENGTH 0x0000000100000000ull
#define T2_FS_L3SNAPLENGTH 0x0000000200000000ull
#define T2_FS_L3HDRSHRTLEN 0x0000000400000000ull
#define T2_FS_L4HDRSHRTLEN 0x0000000800000000ull
#define T2_FS_IPV4_FRAG 0x0000001000000000ull
#define T2_FS_IPV4_FRAG_ERR 0x0000002000000000ull
#define T2_FS_IPV4_FRAG_HDSEQ_ERR 0x0000004000000000ull
#define T2_FS_IPV4_FRAG_PENDING 0x0000008000000000ull
#define T2_FS_FLWTMOUT 0x0000010000000000ull
#define T2_FS_RMFLOW 0x0000020000000000ull
#define T2_FS_RMFLOW_HFULL 0x0000040000000000ull
#define T2_FS_STPDSCT 0x0000080000000000ull
#define T2_FS_DUPIPID 0x0000100000000000ull
#define T2_FS_PPP_NRHD 0x0000200000000000ull
#define T2_FS_IPV4_HL_TOO_SHORT 0x0000400000000000ull
#define T2_FS_IP_PL_MSMTCH 0x0000800000000000ull
#define T2_FS_HDOVRN 0x0001000000000000ull
#define T2_FS_FL_ALARM 0x0002000000000000ull
#define T2_FS_LANDATTACK 0x0004000000000000ull
#define T2_FS_TIMEJUMP 0x0008000000000000ull
#define T2_FS_LIVEXTR 0x0010000000000000ull
#define T2_FS_SUBN_FLW_TST 0x0080000000000000ull
#define T2_FS_TORADD 0x0100000000000000ull
#define T2_FS_FS_VLAN0 0x0200000000000000ull
#define T2_FS_FS_IPV4_PKT 0x0400000000000000ull
#define T2_FS_FS_IPV6_PKT 0x0800000000000000ull
#define T2_FS_LAPD_FLOW 0x1000000000000000ull
#define T2_FS_L7_DTLS 0x2000000000000000ull
#define T2_FS_FDLSIDX 0x4000000000000000ull
#define T2_FS_PCAPSNPD 0x8000000000000000ull

/* ---- Helpers ------------------------------------------------------------------------ */

/** A T2Str of a string literal in an expression: t2_log(...), T2_STR("basicFlow"). */
#define T2_STR(lit) ((T2Str)T2_STR_INIT(lit))
/** The same as a static initializer: `static const T2ConfigEntry c = {T2_STR_INIT("A"), T2_STR_INIT("1")};` */
#define T2_STR_INIT(lit) {(const uint8_t *)(lit), sizeof(lit) - 1}
/** The empty string. */
#define T2_STR_EMPTY_INIT {NULL, 0}

/** A T2Str of a NUL-terminated string (NULL gives the empty string). */
static inline T2Str t2_str(const char *s) {
    T2Str r = {(const uint8_t *)s, s ? strlen(s) : 0};
    return r;
}

/** Declares a column from C strings: t2_declare(host, "myCol", "My column", "U16:R"). */
static inline T2Status t2_declare(const T2Host *h, const char *name, const char *desc, const char *type) {
    T2ColumnDecl d = {t2_str(name), t2_str(desc), t2_str(type), NULL, 0};
    return h->declare_column(h->ctx, &d);
}

/** Logs a NUL-terminated message. */
static inline void t2_log(const T2Host *h, uint32_t level, const char *msg) {
    h->log(h->ctx, level, t2_str(msg));
}

/** The flow in slot i, read directly from the core's array. */
static inline T2Flow *t2_flow(const T2InitContext *c, uint64_t i) {
    return i < c->flow_capacity ? (T2Flow *)((char *)c->flows + i * c->flow_stride) : NULL;
}

/* Appending values to a flow record (host byte order, spec §2.2). */
static inline void t2_out_bytes(const T2Host *h, T2OutBuf *b, const void *p, size_t n) {
    h->out_append(b, (const uint8_t *)p, n);
}
static inline void t2_out_u8(const T2Host *h, T2OutBuf *b, uint8_t v) { t2_out_bytes(h, b, &v, 1); }
static inline void t2_out_u16(const T2Host *h, T2OutBuf *b, uint16_t v) { t2_out_bytes(h, b, &v, 2); }
static inline void t2_out_u32(const T2Host *h, T2OutBuf *b, uint32_t v) { t2_out_bytes(h, b, &v, 4); }
static inline void t2_out_u64(const T2Host *h, T2OutBuf *b, uint64_t v) { t2_out_bytes(h, b, &v, 8); }
static inline void t2_out_i8(const T2Host *h, T2OutBuf *b, int8_t v) { t2_out_bytes(h, b, &v, 1); }
static inline void t2_out_i16(const T2Host *h, T2OutBuf *b, int16_t v) { t2_out_bytes(h, b, &v, 2); }
static inline void t2_out_i32(const T2Host *h, T2OutBuf *b, int32_t v) { t2_out_bytes(h, b, &v, 4); }
static inline void t2_out_i64(const T2Host *h, T2OutBuf *b, int64_t v) { t2_out_bytes(h, b, &v, 8); }
static inline void t2_out_f32(const T2Host *h, T2OutBuf *b, float v) { t2_out_bytes(h, b, &v, 4); }
static inline void t2_out_f64(const T2Host *h, T2OutBuf *b, double v) { t2_out_bytes(h, b, &v, 8); }
/** Repetition count of a repeating column (then append that many values). */
static inline void t2_out_repeat(const T2Host *h, T2OutBuf *b, uint32_t n) { t2_out_u32(h, b, n); }
/** S / SC: the string and its NUL. */
static inline void t2_out_str(const T2Host *h, T2OutBuf *b, const char *s) {
    t2_out_bytes(h, b, s ? s : "", (s ? strlen(s) : 0) + 1);
}
static inline void t2_out_mac(const T2Host *h, T2OutBuf *b, const uint8_t mac[6]) { t2_out_bytes(h, b, mac, 6); }
static inline void t2_out_ip4(const T2Host *h, T2OutBuf *b, const uint8_t a[4]) { t2_out_bytes(h, b, a, 4); }
static inline void t2_out_ip6(const T2Host *h, T2OutBuf *b, const uint8_t a[16]) { t2_out_bytes(h, b, a, 16); }
/** IPX: version 4 or 6 with its address, anything else as version 0 (printed "-"). */
static inline void t2_out_ipx(const T2Host *h, T2OutBuf *b, uint8_t version, const uint8_t *addr) {
    if (version == 4) { t2_out_u8(h, b, 4); t2_out_bytes(h, b, addr, 4); }
    else if (version == 6) { t2_out_u8(h, b, 6); t2_out_bytes(h, b, addr, 16); }
    else t2_out_u8(h, b, 0);
}
/** U64.U32: a timestamp or duration. */
static inline void t2_out_time(const T2Host *h, T2OutBuf *b, uint64_t sec, uint32_t nsec) {
    t2_out_u64(h, b, sec);
    t2_out_u32(h, b, nsec);
}

#ifdef __cplusplus
}
#endif
