/* mk-fts-tokenizer.h — the "mk" FTS5 tokenizer (private to MkStore)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define MK_FTS_TOKENIZER_NAME "mk"

/* Registers the "mk" tokenizer on @db: unicode61 with remove_diacritics 2,
 * plus folding of Cyrillic ё to е (after case folding, so Ё too). Returns
 * an SQLite result code. */
int mk_fts_tokenizer_register (sqlite3 *db);

G_END_DECLS
