// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the arm64 module relocations that live patching applies
 * late (patch 0105): placeholder, filled in by the next commit.
 */

#include <kunit/test.h>
