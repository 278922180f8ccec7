//! `-V` and `-h` texts (structure as T2's, wording t2rs's own).

/// `-V`.
pub const VERSION: &str = "Tranalyzer 0.9.3 (Anteater) [Cobra]";

/// `-h` (and, with exit status 1, no arguments at all).
pub const USAGE: &str = r#"Tranalyzer 0.9.3 (Anteater), Cobra - High performance flow based network traffic analyzer

Usage:
    tranalyzer [OPTION...] <INPUT>

Input (exactly one):
    -i, --interface IFACE
                 Capture packets live on the network interface IFACE
    -r, --pcap PCAP
                 Read packets from the pcap or pcapng file PCAP, or from
                 standard input if PCAP is "-"
    -R, --pcap-list FILE
                 Read every capture file listed in FILE (one path per line,
                 '#' starts a comment) as one continuous stream
    -D, --input-regex EXPR[:SCHR][,STOP]
                 Read a numbered series of capture files, e.g. the output of
                 tcpdump -C: out.pcap, out.pcap1, out.pcap2, ...
                 EXPR names the first file and may contain '*' (quote it);
                 SCHR is the character just before the number (default: 'p');
                 STOP is the last number. Without STOP new files are awaited
                 forever, unless the number has leading zeros, which fix its
                 width (dump.pcap00 stops after 99)

Output:
    -w, --output-prefix PREFIX
                 Start the name of every output file with PREFIX
                 (PREFIX_flows.txt, PREFIX_headers.txt, ...). If PREFIX is a
                 folder, the files go into it, named after the input. Without
                 -w, PREFIX is the input path without its extension. "-" writes
                 the flows to standard output (and implies -l)
    -W, --output-regex PREFIX[:SIZE][,START]
                 Like -w, but start a new flow file every SIZE bytes
                 (default: 5e8): PREFIX_flows.txtN with N counting from START
                 (default: 0). SIZE may end in K, M or G (x1e3, x1e6, x1e9) or
                 use scientific notation (1e5); a trailing 'f' makes it a
                 number of flows (10Kf)
    -l, --logfile
                 Write the end report to PREFIX_log.txt instead of stdout
    -m, --monfile
                 Write monitoring reports to PREFIX_monitoring.txt
    -s, --packets
                 Packet forensics mode: also write PREFIX_packets.txt

Optional arguments:
    -p PATH      Load the plugins from PATH instead of ~/.tranalyzer/plugins
    -b FILE      Load only the plugins listed in FILE instead of those in
                 PATH/plugins.txt (all plugins if that does not exist)
    -e FILE      Write the packets of the flow indexes listed in FILE to
                 PREFIX_pcapd.pcap (needs the pcapd plugin; FILE: one flowInd per
                 line, or a flow file / tawk selection with its header)
    -f FACTOR    Multiply the size of the flow table by FACTOR (integer >= 1)
    -x ID        Sensor ID (default: 666)
    -c CPU       Run on CPU number CPU (1 is the first); 0 pins to the CPU
                 the program starts on
    -P PRIO      Run with nice value PRIO (0 to 20, as root -20 to 20)
    -M SEC       Monitoring report every SEC seconds (SIGUSR1: one report now,
                 SIGUSR2: periodic reports on/off)
    -S SNAPLEN   Snap length of live captures (default: 65535)
    -B SIZE      Buffer size of live captures in bytes (default: 33554432)
    -F FILE      Read the BPF filter from FILE ('#' starts a comment)

    -V, --version
                 Print the version and exit
    --plugin-info [NAME...]
                 Describe the installed plugins (all, or NAME...; with -p
                 PATH those of PATH): number, version, plugin ABI version,
                 dependencies and the settings each was built with, and warn
                 where one differs from the t2plugin.toml of the source tree
    --bit-tables [COLUMN...]
                 Print the bit tables of the status columns (all, or those of
                 COLUMN...; with -p PATH the plugins of PATH): the core's
                 flowStat and every table a plugin declares with its columns,
                 one tab-separated row per bit (what tawk -V reads)

    -h, --help   Print this help and exit

Remaining arguments:
    BPF          Berkeley Packet Filter expression, as for tcpdump
"#;
