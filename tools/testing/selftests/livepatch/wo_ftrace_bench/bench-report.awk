# SPDX-License-Identifier: GPL-2.0
#
# bench-report.awk: the table and JSON of `make bench` from the
# "KLPJB-..." lines of bench-guest.sh (both boots), klpc-time.sh and
# klpb-time.sh.
#
#   awk -f bench-report.awk -v version=V -v date=D -v json=FILE rows...
#
# The table goes to stdout, the JSON to FILE.  Exit status 1 when a row
# is missing (a KLPJB-MISSING line, a part without its KLPJB-DONE line, or
# an expected row absent), else 0.  Target misses do not change the exit
# status; they are printed as MISS.
#
# Call costs are per call, averaged over all calls of a row; the unit is
# EL1 instructions retired on the measuring CPU when the PMU counted them
# (QEMU -icount), else ns.  "call" is the cost without the loop around the
# call (the "loop" row), the ratios use it.  Windows are medians over the
# repetitions of a (F, T) point.

function kv(line, out,    n, i, t, k, a) {
	delete out
	n = split(line, t, " ")
	k = ""
	for (i = 2; i <= n; i++) {
		if (t[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/) {
			k = substr(t[i], 1, index(t[i], "=") - 1)
			out[k] = substr(t[i], index(t[i], "=") + 1)
		} else if (k != "") {
			out[k] = out[k] " " t[i]
		}
	}
}
function median(list,    n, v, i, j, x) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) {
		x = v[i] + 0
		for (j = i - 1; j >= 1 && v[j] + 0 > x; j--)
			v[j + 1] = v[j]
		v[j + 1] = x
	}
	if (n == 0)
		return ""
	return v[int((n + 1) / 2)]
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function num(x) { return x == "" ? "null" : x }
function verdict(ok) { return ok ? "PASS" : "MISS" }
# target NAME VALUE OP LIMIT TEXT: record and print one target line
function target(name, value, op, limit, text,    ok, s) {
	if (value == "") {
		s = "n/a"
		ok = -1
	} else {
		ok = (op == "<=") ? (value + 0 <= limit + 0) : (value + 0 >= limit + 0)
		s = verdict(ok)
	}
	printf "  %-4s %s: %s (target %s %s)\n", s, text, \
		value == "" ? "n/a" : sprintf("%.3g", value), op, limit
	ntargets++
	tj[ntargets] = sprintf("{\"name\": %s, \"value\": %s, \"op\": %s, \"limit\": %s, \"result\": %s}", \
		jstr(name), value == "" ? "null" : sprintf("%.4f", value), jstr(op), limit, \
		jstr(ok < 0 ? "n/a" : verdict(ok)))
}

/^KLPJB-INFO / {
	kv($0, a)
	info[a["part"]] = 1
	clock = a["clock"]
	smoke = a["smoke"]
	kernel = a["kernel"]
	ncalls = a["calls"]
	cpus = a["cpus"]
	next
}
/^KLPJB-MISSING / { missing = missing "\n  " substr($0, 15); nmissing++; next }
/^KLPJB-DONE / { kv($0, a); done[a["part"]] = 1; next }
/^KLPJB-ROW call / {
	kv($0, a)
	k = a["part"] SUBSEP a["name"] SUBSEP a["work"]
	calls[k] = a["calls"]
	insns[k] = a["insns"]
	ns[k] = a["ns"]
	works[a["work"]] = 1
	if (a["insns"] + 0 == 0)
		nopmu = 1
	next
}
/^KLPJB-ROW route / {
	kv($0, a)
	# the near route of the default kernel, the far route of the far one
	if (a["part"] == "far" && a["name"] == "near")
		next
	route_dist[a["name"]] = a["distance"]
	route_veneer[a["name"]] = a["veneer"]
	route_direct[a["name"]] = a["direct"]
	route_slot[a["name"]] = a["slot"]
	next
}
/^KLPJB-ROW floor / { kv($0, a); floor_med = a["median"]; floor_min = a["min"]; floor_max = a["max"]; floor_runs = a["runs"]; next }
/^KLPJB-ROW window / {
	kv($0, a)
	k = a["F"] SUBSEP a["T"]
	Fs[a["F"]] = 1
	Ts[a["T"]] = 1
	w_window[k] = w_window[k] " " a["window_ns"]
	w_check[k] = w_check[k] " " a["check_ns"]
	w_write[k] = w_write[k] " " a["write_ns"]
	w_pre[k] = w_pre[k] " " a["precheck_ns"]
	w_enable[k] = w_enable[k] " " a["enable_ns"]
	w_looked[k] = w_looked[k] " " a["looked"]
	w_walked[k] = w_walked[k] " " a["walked"]
	w_seen[k] = w_seen[k] " " a["seen"]
	w_tasks[k] = a["tasks"]
	w_reps[k]++
	w_patched_ok[k] += (a["patched"] == a["F"])
	slab[a["F"]] = slab[a["F"]] " " a["slab_kb"]
	ven[a["F"]] = ven[a["F"]] " " a["veneers"]
	next
}
/^KLPJB-ROW latency / {
	kv($0, a)
	m = a["mode"]
	lat_modes[m] = 1
	lat_clock[m] = a["clock"]
	lat_secs[m] = a["seconds"]
	lat_tasks[m] = a["tasks"]
	lat_commits[m] = a["commits"]
	lat_samples[m] = a["samples"]
	lat_missed[m] = a["missed"]
	lat_p50[m] = a["p50_ns"]
	lat_p99[m] = a["p99_ns"]
	lat_p999[m] = a["p999_ns"]
	lat_max[m] = a["max_ns"]
	lat_wakes[m] = a["wakes"]
	lat_wmax[m] = a["window_max_ns"]
	lat_timer = a["timer"]
	lat_period = a["period_ns"]
	next
}
/^KLPJB-ROW overflow / {
	kv($0, a)
	k = a["load"]
	ovf_loads[k] = 1
	ovf_F = a["F"]
	ovf_T = a["T"]
	ovf_clock = a["clock"]
	ovf_gap = a["gap_ms"]
	ovf_tasks[k] = a["tasks"]
	ovf_window[k] = ovf_window[k] " " a["window_ns"]
	ovf_check[k] = ovf_check[k] " " a["check_ns"]
	ovf_pre[k] = ovf_pre[k] " " a["precheck_ns"]
	ovf_looked[k] = ovf_looked[k] " " a["looked"]
	ovf_walked[k] = ovf_walked[k] " " a["walked"]
	ovf_reps[k]++
	# the window's worst case is what the issue asks for
	if (a["window_ns"] + 0 > ovf_wmax[k] + 0)
		ovf_wmax[k] = a["window_ns"]
	next
}
/^KLPJB-ROW mem / { kv($0, a); site_b = a["site_bytes"]; target_b = a["target_bytes"]; veneer_b = a["veneer_bytes"]; next }
/^KLPJB-ROW klpc / {
	kv($0, a)
	klpc_status = a["status"]
	klpc_reason = a["reason"]
	gsub(/"/, "", klpc_reason)
	klpc_ns = a["ns"]
	klpc_relocs = a["relocs"]
	klpc_syms = a["symbols"]
	next
}
/^KLPJB-ROW klpb-hdr(-nochange)? / {
	kv($0, a)
	nhdr++
	hdr_row[nhdr] = $2
	for (k in a)
		hdr[nhdr, k] = a[k]
	gsub(/"/, "", hdr[nhdr, "reason"])
	next
}
/^KLPJB-ROW klpb / {
	kv($0, a)
	klpb_status = a["status"]
	klpb_reason = a["reason"]
	gsub(/"/, "", klpb_reason)
	klpb_patch = a["patch"]
	klpb_objs = a["objects"]
	klpb_jobs = a["jobs"]
	klpb_cpus = a["cpus"]
	klpb_cold = a["cold_s"]
	klpb_warm = a["warm_s"]
	klpb_cold_n = a["cold_compiled"]
	klpb_warm_n = a["warm_compiled"]
	next
}

# per-call cost of a row, "" when absent
function cost(part, name, w,    k) {
	k = part SUBSEP name SUBSEP w
	if (!(k in calls) || calls[k] + 0 == 0)
		return ""
	return (nopmu ? ns[k] : insns[k]) / calls[k]
}
function callc(part, name, w,    c, l) {
	c = cost(part, name, w)
	l = cost(part, "loop", w)
	if (c == "" || l == "")
		return ""
	return c - l
}
function ratio(x, y) { return (x == "" || y == "" || y + 0 == 0) ? "" : x / y }
function fmt(x, f) { return x == "" ? "-" : sprintf(f, x) }
function need(cond, what) { if (!cond) { absent = absent "\n  " what; nabsent++ } }
function sortkeys(arr, out,    n, k, i, j, x) {
	n = 0
	for (k in arr)
		out[++n] = k + 0
	for (i = 2; i <= n; i++) {
		x = out[i]
		for (j = i - 1; j >= 1 && out[j] > x; j--)
			out[j + 1] = out[j]
		out[j + 1] = x
	}
	return n
}

END {
	unit = nopmu ? "ns" : "insn"
	nw = sortkeys(works, W)
	nf = sortkeys(Fs, F)
	nt = sortkeys(Ts, T)

	printf "make bench: Linux %s, %s, %s\n", version, date, \
		smoke == 1 ? "SMOKE run (small sizes; targets not meaningful)" : "full run"
	if (clock == "icount")
		printf "clock: QEMU -icount shift=0 (virtual time, 1 ns = 1 instruction of any vCPU); call costs: %s\n", \
			nopmu ? "virtual ns" : "EL1 instructions retired on the measuring CPU (PMU INST_RETIRED, exact under -icount)"
	else
		printf "clock: real time (no -icount): NOT deterministic\n"
	printf "QEMU virt, -cpu max, %s vCPUs; default kernel: function tracer on (ftrace entry NOPs), modules near;\nfar kernel: no function tracer, RANDOMIZE_MODULE_REGION_FULL\n\n", cpus

	# ---- 1. call cost ----
	printf "1. Call cost per call (%s), %s calls per row; \"call\" = without the loop (%s/iteration)\n", \
		unit, ncalls, fmt(cost("default", "loop", W[1]), "%.2f")
	printf "   body = iterations of the work loop in the called function\n"
	printf "   %-7s %-4s %-26s %10s %10s %8s\n", "kernel", "body", "row", "per call", "call", "x new"
	nrows = split("unpatched new near farnew far ftrace", R, " ")
	for (p = 1; p <= 2; p++) {
		part = p == 1 ? "default" : "far"
		for (i = 1; i <= nw; i++) {
			for (r = 1; r <= nrows; r++) {
				name = R[r]
				if (part == "far" && name == "ftrace")
					continue
				if (part == "default" && (name == "far" || name == "farnew"))
					continue
				c = cost(part, name, W[i])
				need(c != "", "call " part " " name " body=" W[i])
				label = name
				if (name == "unpatched") label = "unpatched (old)"
				if (name == "new") label = "new, called directly"
				if (name == "near") label = "patched, near B"
				if (name == "farnew") label = "far's new, called directly"
				if (name == "far") label = "patched, far veneer"
				if (name == "ftrace") label = "ftrace IPMODIFY redirect"
				cc = callc(part, name, W[i])
				base = (name == "far" || name == "farnew") ? "farnew" : "new"
				printf "   %-7s %-4s %-26s %10s %10s %8s\n", part, W[i], label, \
					fmt(c, "%.2f"), fmt(cc, "%.2f"), fmt(ratio(cc, callc(part, base, W[i])), "%.3f")
				ncj++
				cj[ncj] = sprintf("{\"kernel\": %s, \"body\": %s, \"row\": %s, \"calls\": %s, \"insns\": %s, \"ns\": %s, \"per_call\": %s, \"call\": %s}", \
					jstr(part), W[i], jstr(name), num(calls[part SUBSEP name SUBSEP W[i]]), \
					num(insns[part SUBSEP name SUBSEP W[i]]), num(ns[part SUBSEP name SUBSEP W[i]]), \
					c == "" ? "null" : sprintf("%.3f", c), cc == "" ? "null" : sprintf("%.3f", cc))
			}
		}
	}
	need("near" in route_dist, "route near")
	need("far" in route_dist, "route far")
	printf "   routes: near (default kernel) %s (slot %s, %s bytes apart);\n           far (far kernel) %s (slot %s, %s bytes apart)\n\n", \
		route_veneer["near"] == 1 ? "via veneer" : (route_direct["near"] == 1 ? "direct B" : "?"), \
		route_slot["near"], route_dist["near"], \
		route_veneer["far"] == 1 ? "via veneer" : (route_direct["far"] == 1 ? "direct B (module landed near: no far row)" : "?"), \
		route_slot["far"], route_dist["far"]
	if (route_veneer["far"] != 1)
		for (i = 1; i <= nw; i++)
			need(0, "far row through a veneer (body " W[i] ")")

	# ---- 2. windows ----
	need(floor_med != "", "floor")
	printf "2. stop_machine window (ns; median of the repetitions) and enable time\n"
	printf "   floor (empty stop_machine, %s runs): median %s, min %s, max %s\n", floor_runs, floor_med, floor_min, floor_max
	printf "   %5s %6s %6s %10s %8s %10s %7s %7s %9s %11s %12s\n", "F", "T", "tasks", "window", "x floor", "check", "looked", "walked", "writes", "pre-check", "enable"
	for (j = 1; j <= nt; j++) {
		for (i = 1; i <= nf; i++) {
			k = F[i] SUBSEP T[j]
			need(k in w_window, "window F=" F[i] " T=" T[j])
			if (!(k in w_window))
				continue
			need(w_patched_ok[k] == w_reps[k], "window F=" F[i] " T=" T[j] ": not every function patched")
			wm[k] = median(w_window[k])
			printf "   %5s %6s %6s %10s %8s %10s %7s %7s %9s %11s %12s\n", F[i], T[j], w_tasks[k], wm[k], \
				fmt(ratio(wm[k], floor_med), "%.2f"), median(w_check[k]), median(w_looked[k]), median(w_walked[k]), \
				median(w_write[k]), median(w_pre[k]), median(w_enable[k])
			nwj++
			wj[nwj] = sprintf("{\"F\": %s, \"T\": %s, \"tasks\": %s, \"reps\": %d, \"window_ns\": %s, \"window_x_floor\": %s, \"check_ns\": %s, \"write_ns\": %s, \"looked\": %s, \"walked\": %s, \"seen\": %s, \"precheck_ns\": %s, \"enable_ns\": %s}", \
				F[i], T[j], w_tasks[k], w_reps[k], wm[k], fmt(ratio(wm[k], floor_med), "%.3f"), \
				median(w_check[k]), num(median(w_write[k])), num(median(w_looked[k])), median(w_walked[k]), median(w_seen[k]), median(w_pre[k]), median(w_enable[k]))
		}
	}
	printf "   window: the stop_machine() call of the switch; check: the stack check inside it;\n"
	printf "   writes: the slot writes inside it;\n"
	printf "   looked: tasks looked at inside it (those logged as having run since the pre-check);\n"
	printf "   walked: stacks walked inside it (the others were pre-checked and did not run since);\n"
	printf "   pre-check: sleeping tasks walked before stop_machine; enable: klp_enable_patch() to transition done\n\n"

	# ---- 3. memory ----
	need(site_b != "", "memory")
	fmax = F[nf]
	slabpf = (fmax != "" && slab[fmax] != "") ? median(slab[fmax]) * 1024 / fmax : ""
	venpf = (fmax != "" && ven[fmax] != "") ? median(ven[fmax]) * veneer_b / fmax : ""
	printf "3. Memory per patched function\n"
	printf "   backend structures: %s bytes (site %s + target %s, kmalloc sizes)\n", site_b + target_b, site_b, target_b
	printf "   whole livepatch, slab growth over insmod of the F=%s patch / F: %s bytes (includes the core's\n   kobjects and the patch module's klp_func array; kB resolution, median of %s runs)\n", \
		fmax, fmt(slabpf, "%.0f"), nt * (w_reps[fmax SUBSEP T[1]] + 0)
	printf "   extra text: near %s bytes per function (F=%s: %s veneers); far %s bytes per function (one %s-byte\n   veneer in the vmlinux pool or in a page near a module slot)\n\n", \
		fmt(venpf, "%.0f"), fmax, median(ven[fmax]), route_veneer["far"] == 1 ? veneer_b : "-", veneer_b

	# ---- 4. klp-convert ----
	need(klpc_status != "", "klp-convert")
	printf "4. klp-convert, %s relocations against a symbol map of %s kernel symbols: ", klpc_relocs, klpc_syms
	if (klpc_status == "ok")
		printf "%.3f s (host)\n\n", klpc_ns / 1e9
	else
		printf "%s: %s\n\n", klpc_status, klpc_reason

	# ---- 5. klp-build ----
	need(klpb_status != "", "klp-build")
	printf "5. klp-build, one-file fix %s (%s), -j%s on %s CPUs (host wall time):\n", \
		klpb_patch, klpb_objs, klpb_jobs, klpb_cpus
	if (klpb_status == "ok") {
		printf "   cold %.1f s (kernel built, its cached original removed; objects compiled: %s)\n", klpb_cold, klpb_cold_n
		printf "   warm %.1f s (right after, the original from build/kbuild/klp-orig; objects compiled: %s)\n\n", klpb_warm, klpb_warm_n
	} else
		printf "   %s: %s\n\n", klpb_status, klpb_reason
	for (i = 1; i <= nhdr; i++) {
		printf "   %s: header %s reaching %s objects (%s whose code cannot differ, not compiled): ", \
			hdr_row[i], hdr[i, "header"], hdr[i, "objects"], hdr[i, "unchanged"]
		if (hdr[i, "status"] == "ok")
			printf "cold %.1f s (%s compiled), warm %.1f s (%s compiled)\n", \
				hdr[i, "cold_s"], hdr[i, "cold_compiled"], hdr[i, "warm_s"], hdr[i, "warm_compiled"]
		else
			printf "%s: %s\n", hdr[i, "status"], hdr[i, "reason"]
		hj[i] = sprintf("{\"row\": %s, \"status\": %s, \"header\": %s, \"objects\": %s, \"unchanged\": %s, \"cold_s\": %s, \"warm_s\": %s, \"cold_compiled\": %s, \"warm_compiled\": %s}", \
			jstr(hdr_row[i]), jstr(hdr[i, "status"]), jstr(hdr[i, "header"]), num(hdr[i, "objects"]), \
			num(hdr[i, "unchanged"]), num(hdr[i, "cold_s"]), num(hdr[i, "warm_s"]), \
			num(hdr[i, "cold_compiled"]), num(hdr[i, "warm_compiled"]))
	}
	if (nhdr)
		printf "\n"

	# ---- 6. latency while pending ----
	need(("idle" in lat_modes) && ("pending" in lat_modes), "latency rows (idle and pending)")
	printf "6. Timer lateness (ns) while a patch is pending: a hard-irq hrtimer on each of %s CPUs, %s s per row;\n", \
		cpus, lat_secs["idle"]
	if (lat_timer == "tick")
		printf "   no high-resolution timers: it fires at every tick (%s ns) and its lateness is the time beyond one tick\n", lat_period
	else
		printf "   it fires every %s ns and its lateness is the time beyond its expiry\n", lat_period
	printf "   since it last fired; clock: %s\n", \
		lat_clock["idle"] == "icount" ? "QEMU -icount virtual ns (1 ns = 1 instruction of any vCPU)" : "real time (not deterministic)"
	printf "   %-8s %6s %9s %9s %9s %9s %10s %7s %8s\n", "row", "tasks", "samples", "p50", "p99", "p99.9", "max", "missed", "commits"
	nlm = split("idle pending", LM, " ")
	for (i = 1; i <= nlm; i++) {
		m = LM[i]
		if (!(m in lat_modes))
			continue
		printf "   %-8s %6s %9s %9s %9s %9s %10s %7s %8s\n", m, lat_tasks[m], lat_samples[m], lat_p50[m], \
			lat_p99[m], lat_p999[m], lat_max[m], lat_missed[m], lat_commits[m]
		nlj++
		lj[nlj] = sprintf("{\"mode\": %s, \"clock\": %s, \"timer\": %s, \"period_ns\": %s, \"seconds\": %s, \"tasks\": %s, \"samples\": %s, \"missed\": %s, \"p50_ns\": %s, \"p99_ns\": %s, \"p999_ns\": %s, \"max_ns\": %s, \"commits\": %s, \"window_max_ns\": %s}", \
			jstr(m), jstr(lat_clock[m] == "icount" ? "qemu-icount-shift0" : "realtime"), jstr(lat_timer), num(lat_period), num(lat_secs[m]), num(lat_tasks[m]), \
			num(lat_samples[m]), num(lat_missed[m]), num(lat_p50[m]), num(lat_p99[m]), num(lat_p999[m]), \
			num(lat_max[m]), num(lat_commits[m]), num(lat_wmax[m]))
	}
	printf "   idle: no patch pending; pending: klpjb_blockpatch held pending all along by a kthread asleep in\n"
	printf "   the patched function (woken by the backend %s times, it slept again); commits: stop_machine calls\n", \
		lat_wakes["pending"] == "" ? "?" : lat_wakes["pending"]
	printf "   of the backend meanwhile (retries back off: 50 ms to 1 s, after the 15 s wake-up 200 ms to 16 s);\n"
	printf "   the largest of those stop_machine windows (klp_jump/last_window_ns, polled once a second): %s ns\n", \
		lat_wmax["pending"] == "" ? "-" : lat_wmax["pending"]
	if (lat_clock["idle"] == "icount") {
		printf "   Under -icount QEMU runs the vCPUs in turn: while one vCPU is busy (here: the pre-check of each\n"
		printf "   retry), the ticks of the others are late by its instructions, not by any code of theirs (a\n"
		printf "   busy loop in user space on one vCPU makes them up to 150 ms late).  The tick lateness is an\n"
		printf "   upper bound; the interrupts-off time the backend adds is its stop_machine window.\n"
	}
	printf "\n"

	# ---- 7. ran-log overflow ----
	nol = sortkeys(ovf_loads, OL)
	need(nol >= 2, "overflow rows (without and with load)")
	printf "7. Switch window with the log of tasks that ran overflowing: F=%s, T=%s sleeping kthreads; clock: %s\n", \
		ovf_F, ovf_T, ovf_clock == "icount" ? "QEMU -icount virtual ns" : "real time (not deterministic)"
	printf "   %-6s %6s %4s %12s %12s %12s %12s %7s %7s %s\n", "load", "tasks", "reps", "window", "window max", "check", "pre-check", "looked", "walked", "log"
	for (i = 1; i <= nol; i++) {
		k = OL[i]
		lk = median(ovf_looked[k])
		# every task looked at: the log overflowed on some CPU
		full = (lk + 0 >= ovf_tasks[k] * 0.9)
		printf "   %-6s %6s %4s %12s %12s %12s %12s %7s %7s %s\n", k, ovf_tasks[k], ovf_reps[k], median(ovf_window[k]), \
			ovf_wmax[k], median(ovf_check[k]), median(ovf_pre[k]), lk, median(ovf_walked[k]), full ? "overflow" : "fits"
		noj++
		oj[noj] = sprintf("{\"load\": %s, \"F\": %s, \"T\": %s, \"tasks\": %s, \"reps\": %d, \"window_ns\": %s, \"window_max_ns\": %s, \"check_ns\": %s, \"precheck_ns\": %s, \"looked\": %s, \"walked\": %s, \"overflow\": %s}", \
			k, ovf_F, ovf_T, ovf_tasks[k], ovf_reps[k], median(ovf_window[k]), ovf_wmax[k], median(ovf_check[k]), \
			median(ovf_pre[k]), lk, median(ovf_walked[k]), full ? "true" : "false")
	}
	printf "   load: kthreads waking every jiffy; window: median, window max: worst of the reps (interrupts off on\n"
	printf "   every CPU that long); log: overflow when the check looked at every task (the per-CPU log of 128\n"
	printf "   entries filled), fits when only the tasks logged since the pre-check; %s ms held between the\n", ovf_gap
	printf "   pre-check and stop_machine (wo_ftrace/klpj_gap.ko)\n\n"

	# ---- targets ----
	printf "Targets (ratios from this run)\n"
	for (i = 1; i <= nw; i++) {
		target("near_vs_new_body" W[i], ratio(callc("default", "near", W[i]), callc("default", "new", W[i])), "<=", 1.10, \
			"near B call <= 1.10x direct call of new (default kernel, body " W[i] ")")
	}
	for (i = 1; i <= nw; i++) {
		fv = route_veneer["far"] == 1 ? ratio(callc("far", "far", W[i]), callc("far", "farnew", W[i])) : ""
		target("far_vs_new_body" W[i], fv, "<=", 1.25, \
			"far veneer call <= 1.25x direct call of new (far kernel, body " W[i] ")")
	}
	for (i = 1; i <= nw; i++) {
		ov = ratio(callc("default", "ftrace", W[i]) - callc("default", "new", W[i]), \
			   callc("default", "near", W[i]) - callc("default", "new", W[i]))
		target("ftrace_overhead_vs_near_body" W[i], ov, ">=", 3, \
			"ftrace overhead over direct >= 3x ours (near), body " W[i])
	}
	tm = nt >= 2 ? T[int((nt + 1) / 2)] : T[1]
	target("window_F" fmax "_vs_F1_T" tm, ratio(wm[fmax SUBSEP tm], wm[1 SUBSEP tm]), "<=", 1.5, \
		"window(F=" fmax ",T=" tm ") <= 1.5x window(F=1,T=" tm ")")
	target("window_T" T[nt] "_vs_T" T[1] "_F1", ratio(wm[1 SUBSEP T[nt]], wm[1 SUBSEP T[1]]), "<=", 3, \
		"window(F=1,T=" T[nt] ") <= 3x window(F=1,T=" T[1] ")")
	target("klp_convert_seconds", klpc_status == "ok" ? klpc_ns / 1e9 : "", "<=", 1, \
		"klp-convert " klpc_relocs " relocations " (klpc_status == "ok" ? "" : "(" klpc_reason ") ") "< 1 s")
	target("klp_build_cold_seconds", klpb_status == "ok" ? klpb_cold : "", "<=", 60, \
		"klp-build one-file fix, cold, " klpb_cpus " CPUs " (klpb_status == "ok" ? "" : "(" klpb_reason ") ") "< 60 s")

	for (p in info)
		need(p in done, "part " p " did not finish")
	need(("default" in info) && ("far" in info), "both parts (default and far kernel)")
	if (nmissing || nabsent)
		printf "\nMISSING ROWS:%s%s\n", missing, absent
	else
		printf "\nall rows produced\n"

	# ---- JSON ----
	printf("{\n  \"version\": %s,\n  \"date\": %s,\n  \"smoke\": %s,\n  \"clock\": %s,\n  \"call_unit\": %s,\n  \"calls_per_row\": %s,\n", \
		jstr(version), jstr(date), smoke == 1 ? "true" : "false", jstr(clock == "icount" ? "qemu-icount-shift0" : "realtime"), \
		jstr(unit), num(ncalls)) > json
	printf("  \"calls\": [\n") > json
	for (i = 1; i <= ncj; i++) printf("    %s%s\n", cj[i], i < ncj ? "," : "") > json
	printf("  ],\n  \"routes\": {\"near\": {\"distance\": %s, \"veneer\": %s}, \"far\": {\"distance\": %s, \"veneer\": %s}},\n", \
		num(route_dist["near"]), num(route_veneer["near"]), num(route_dist["far"]), num(route_veneer["far"])) > json
	printf("  \"floor\": {\"runs\": %s, \"median_ns\": %s, \"min_ns\": %s, \"max_ns\": %s},\n", \
		num(floor_runs), num(floor_med), num(floor_min), num(floor_max)) > json
	printf("  \"windows\": [\n") > json
	for (i = 1; i <= nwj; i++) printf("    %s%s\n", wj[i], i < nwj ? "," : "") > json
	printf("  ],\n  \"memory\": {\"site_bytes\": %s, \"target_bytes\": %s, \"veneer_bytes\": %s, \"slab_bytes_per_func\": %s, \"near_text_bytes_per_func\": %s},\n", \
		num(site_b), num(target_b), num(veneer_b), slabpf == "" ? "null" : sprintf("%.0f", slabpf), \
		venpf == "" ? "null" : sprintf("%.0f", venpf)) > json
	printf("  \"klp_convert\": {\"status\": %s, \"reason\": %s, \"relocs\": %s, \"symbols\": %s, \"ns\": %s},\n", \
		jstr(klpc_status), jstr(klpc_reason), num(klpc_relocs), num(klpc_syms), num(klpc_ns)) > json
	printf("  \"klp_build\": {\"status\": %s, \"reason\": %s, \"patch\": %s, \"objects\": %s, \"jobs\": %s, \"cpus\": %s, \"cold_s\": %s, \"warm_s\": %s, \"cold_compiled\": %s, \"warm_compiled\": %s},\n", \
		jstr(klpb_status), jstr(klpb_reason), jstr(klpb_patch), jstr(klpb_objs), num(klpb_jobs), \
		num(klpb_cpus), num(klpb_cold), num(klpb_warm), num(klpb_cold_n), num(klpb_warm_n)) > json
	printf("  \"klp_build_headers\": [\n") > json
	for (i = 1; i <= nhdr; i++) printf("    %s%s\n", hj[i], i < nhdr ? "," : "") > json
	printf("  ],\n") > json
	printf("  \"latency\": [\n") > json
	for (i = 1; i <= nlj; i++) printf("    %s%s\n", lj[i], i < nlj ? "," : "") > json
	printf("  ],\n  \"overflow\": [\n") > json
	for (i = 1; i <= noj; i++) printf("    %s%s\n", oj[i], i < noj ? "," : "") > json
	printf("  ],\n") > json
	printf("  \"targets\": [\n") > json
	for (i = 1; i <= ntargets; i++) printf("    %s%s\n", tj[i], i < ntargets ? "," : "") > json
	printf("  ],\n  \"complete\": %s\n}\n", (nmissing || nabsent) ? "false" : "true") > json

	exit (nmissing || nabsent) ? 1 : 0
}
