/* mk-fts-tokenizer.c — unicode61 plus ё → е folding for FTS5
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * unicode61 folds Cyrillic case but keeps ё and е apart, while Russian text
 * writes either for the same word ("Фёдоров", "Федоров"). This tokenizer
 * wraps unicode61 and rewrites each token's UTF-8 "ё" (D1 91) to "е" (D0 B5),
 * the same length, so indexing and queries fold alike.
 */
#include "config.h"

#include <string.h>

#include "mk-fts-tokenizer.h"

typedef int (*TokenFunc) (void       *ctx,
                          int         tflags,
                          const char *token,
                          int         n_token,
                          int         start,
                          int         end);

typedef struct
{
  fts5_tokenizer  parent;
  Fts5Tokenizer  *parent_instance;
} MkTokenizer;

typedef struct
{
  void      *ctx;
  TokenFunc  token_func;
  char      *buf;
  int        buf_len;
} TokenCtx;

static int
mk_tokenizer_create (void           *user_data,
                     const char    **args,
                     int             n_args,
                     Fts5Tokenizer **out)
{
  fts5_api *api = user_data;
  g_autofree const char **parent_args = NULL;
  void *parent_ctx = NULL;
  MkTokenizer *self;
  int rc;

  self = g_new0 (MkTokenizer, 1);
  rc = api->xFindTokenizer (api, "unicode61", &parent_ctx, &self->parent);
  if (rc != SQLITE_OK)
    {
      g_free (self);
      return rc;
    }

  parent_args = g_new0 (const char *, n_args + 2);
  parent_args[0] = "remove_diacritics";
  parent_args[1] = "2";
  for (int i = 0; i < n_args; i++)
    parent_args[i + 2] = args[i];

  rc = self->parent.xCreate (parent_ctx, parent_args, n_args + 2, &self->parent_instance);
  if (rc != SQLITE_OK)
    {
      g_free (self);
      return rc;
    }

  *out = (Fts5Tokenizer *) self;
  return SQLITE_OK;
}

static void
mk_tokenizer_delete (Fts5Tokenizer *tokenizer)
{
  MkTokenizer *self = (MkTokenizer *) tokenizer;

  if (self == NULL)
    return;

  if (self->parent_instance != NULL)
    self->parent.xDelete (self->parent_instance);
  g_free (self);
}

static int
mk_tokenizer_token (void       *user_data,
                    int         tflags,
                    const char *token,
                    int         n_token,
                    int         start,
                    int         end)
{
  TokenCtx *ctx = user_data;
  const char *yo = NULL;

  for (int i = 0; i + 1 < n_token; i++)
    if ((guchar) token[i] == 0xD1 && (guchar) token[i + 1] == 0x91)
      {
        yo = token + i;
        break;
      }

  if (yo == NULL)
    return ctx->token_func (ctx->ctx, tflags, token, n_token, start, end);

  if (ctx->buf_len < n_token)
    {
      ctx->buf = g_realloc (ctx->buf, n_token);
      ctx->buf_len = n_token;
    }
  memcpy (ctx->buf, token, n_token);

  for (int i = yo - token; i + 1 < n_token; i++)
    if ((guchar) ctx->buf[i] == 0xD1 && (guchar) ctx->buf[i + 1] == 0x91)
      {
        ctx->buf[i] = (char) 0xD0;
        ctx->buf[i + 1] = (char) 0xB5;
        i++;
      }

  return ctx->token_func (ctx->ctx, tflags, ctx->buf, n_token, start, end);
}

static int
mk_tokenizer_tokenize (Fts5Tokenizer *tokenizer,
                       void          *user_data,
                       int            flags,
                       const char    *text,
                       int            n_text,
                       TokenFunc      token_func)
{
  MkTokenizer *self = (MkTokenizer *) tokenizer;
  TokenCtx ctx = { user_data, token_func, NULL, 0 };
  int rc;

  rc = self->parent.xTokenize (self->parent_instance, &ctx, flags, text, n_text,
                               mk_tokenizer_token);
  g_free (ctx.buf);
  return rc;
}

static fts5_api *
get_fts5_api (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  fts5_api *api = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;

  sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  return api;
}

int
mk_fts_tokenizer_register (sqlite3 *db)
{
  static fts5_tokenizer tokenizer = {
    mk_tokenizer_create,
    mk_tokenizer_delete,
    mk_tokenizer_tokenize,
  };
  fts5_api *api;

  g_return_val_if_fail (db != NULL, SQLITE_MISUSE);

  api = get_fts5_api (db);
  if (api == NULL || api->iVersion < 2)
    return SQLITE_ERROR;

  return api->xCreateTokenizer (api, MK_FTS_TOKENIZER_NAME, api, &tokenizer, NULL);
}
