//! Capture input (pcap, pcapng, lists, series, stdin, live).
