/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exports of livepatch-exporter.c. */
#ifndef _LIVEPATCH_EXPORTER_H
#define _LIVEPATCH_EXPORTER_H

int klp_exporter_base(void);
int klp_exporter_bonus(void);

#endif /* _LIVEPATCH_EXPORTER_H */
