#!/bin/bash
# c5_counter_shift: a pr_debug() added to amba-pl011.c's pl011_type()
# takes a __COUNTER__ value, so the file's two OF_EARLYCON_DECLARE()
# entries after it, __UNIQUE_ID___earlycon_pl011<N>, are renumbered: the
# first now has the number the second had.  They are paired by content and
# stay unchanged, and pl011_type() is patched.  The console UART is a
# PL011: /proc/tty/driver/ttyAMA shows the type.
grep -q 'uart:PL011 (klpb)' /proc/tty/driver/ttyAMA
