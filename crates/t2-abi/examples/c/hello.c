/*
 * hello.c — a minimal t2 plugin in C: one flow column, `helloPkts` (U64), the number of
 * packets of the flow.
 *
 *   cc -std=c11 -O2 -fPIC -shared -I crates/t2-abi/include \
 *      crates/t2-abi/examples/c/hello.c -o ~/.tranalyzer/plugins/950_hello.so
 */
#include <stdlib.h>

#include "t2_plugin.h"

typedef struct {
    const T2Host *host;
    uint64_t capacity;
    uint64_t *pkts; /* per flow slot */
} Hello;

static T2Status hello_init(const T2Host *host, const T2InitContext *ctx, void **instance) {
    Hello *h = calloc(1, sizeof *h);
    if (!h) return T2_ERR;
    h->host = host;
    h->capacity = ctx->flow_capacity;
    h->pkts = calloc(ctx->flow_capacity ? ctx->flow_capacity : 1, sizeof *h->pkts);
    if (!h->pkts) {
        free(h);
        return T2_ERR;
    }
    *instance = h;
    return t2_declare(host, "helloPkts", "Packets counted by hello", "U64");
}

static T2Status hello_new_flow(void *instance, const T2Packet *pkt, uint64_t flow) {
    Hello *h = instance;
    (void)pkt;
    if (flow < h->capacity) h->pkts[flow] = 0;
    return T2_OK;
}

static T2Status hello_packet(void *instance, const T2Packet *pkt, uint64_t flow) {
    Hello *h = instance;
    (void)pkt;
    if (flow < h->capacity) h->pkts[flow]++;
    return T2_OK;
}

static T2Status hello_terminate(void *instance, uint64_t flow, T2OutBuf *out) {
    Hello *h = instance;
    t2_out_u64(h->host, out, flow < h->capacity ? h->pkts[flow] : 0);
    return T2_OK;
}

static T2Status hello_finalize(void *instance) {
    Hello *h = instance;
    if (h) {
        free(h->pkts);
        free(h);
    }
    return T2_OK;
}

static const T2ConfigEntry hello_config[] = {
    {T2_STR_INIT("HELLO_EXAMPLE"), T2_STR_INIT("1")},
};

static const T2PluginDescriptor hello_descriptor = {
    .magic = T2_ABI_MAGIC,
    .abi_major = T2_ABI_MAJOR,
    .abi_minor = T2_ABI_MINOR,
    .size = sizeof(T2PluginDescriptor),
    .number = 950,
    .name = T2_STR_INIT("hello"),
    .version = T2_STR_INIT("0.1.0"),
    .dependencies = T2_STR_INIT(""),
    .build_config = hello_config,
    .build_config_len = sizeof hello_config / sizeof hello_config[0],
    .vtable = {
        .init = hello_init,
        .on_new_flow = hello_new_flow,
        .on_layer2 = NULL, /* L2 flows are not counted */
        .on_layer4 = hello_packet,
        .on_flow_terminate = hello_terminate,
        .finalize = hello_finalize,
    },
};

const T2PluginDescriptor *t2_plugin_entry_v1(void) {
    return &hello_descriptor;
}
