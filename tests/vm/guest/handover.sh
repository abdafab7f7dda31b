# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by vfio-iommufd.sh and vfio-legacy.sh once edu is on vfio-pci:
# handing it over. vfio caps; a CDI spec (and which of its nodes exist
# here, as character devices); the batch's send to /bin/fdrecv (built by
# tests/cli/test-vm-vfio.sh from tests/tools/fdrecv.c), which checks every
# fd it receives; and send to sockets that cannot take the fds. The host
# side judges the files.

# receiver NAME ARGS...: fdrecv in the background on /tmp/NAME.sock, its
# report in $out/NAME.json; returns once it listens ($rpid: its pid)
receiver() {
	n=$1
	shift
	rm -f "/tmp/$n.ready"
	fdrecv -t 60 -r "/tmp/$n.ready" -o "$out/$n.json" "$@" "/tmp/$n.sock" 2> "$out/$n.err" &
	rpid=$!
	i=0
	while [ ! -e "/tmp/$n.ready" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# reap NAME: wait for the receiver, its status in $out/NAME.rc
reap() {
	wait "$rpid"
	echo $? > "$out/$1.rc"
}

# handover BACKEND FIRST-LINE: BACKEND iommufd or legacy, FIRST-LINE a batch
# line that opens something to send (iommufd open, container open)
handover() {
	be=$1
	first=$2
	run caps iommuctl -j vfio caps
	run caps-text iommuctl vfio caps
	run cdi iommuctl cdi -o "$out/cdi.json"
	: > "$out/cdi-nodes.txt"
	for p in $(grep -o '"path": "[^"]*"' "$out/cdi.json" | sed 's/.*: "//; s/"$//'); do
		[ -c "$p" ] && echo "$p" >> "$out/cdi-nodes.txt"
	done
	run cdi-legacy iommuctl cdi --backend legacy

	# the fds of the batch to a receiver that checks them, and answers
	receiver "recv-$be"
	run "send-$be" iommuctl -j batch "/guest/vfio-send-$be.txt"
	reap "recv-$be"

	# sockets that cannot take them: one error line each
	printf '%s\nsend /tmp/none.sock\n' "$first" > /tmp/b-none.txt
	run send-none iommuctl batch /tmp/b-none.txt
	receiver dgram --dgram
	printf '%s\nsend /tmp/dgram.sock\n' "$first" > /tmp/b-dgram.txt
	run send-dgram iommuctl batch /tmp/b-dgram.txt
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	receiver closer --close
	printf '%s\nsend /tmp/closer.sock ack\n' "$first" > /tmp/b-closer.txt
	run send-closer iommuctl batch /tmp/b-closer.txt
	reap closer
	receiver silent --silent
	printf '%s\nsend /tmp/silent.sock ack timeout=5\n' "$first" > /tmp/b-silent.txt
	run send-silent iommuctl batch /tmp/b-silent.txt
	reap silent
}
