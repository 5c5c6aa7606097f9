import { sql, type Kysely } from 'kysely';

/**
 * Uploads that no after-sale request ever used are pruned (docs/aftersale.md, "Photos"); on
 * `uploads` (the after-sale module's):
 * - `attached_at`: when a request first took the upload as a photo (null: never); set by the
 *   request's transaction with a guarded update, so it and the pruning job's claim exclude each
 *   other;
 * - `pruning_at`: when the pruning job claimed it (its file, then its row, are deleted next; a
 *   run that stops in between is finished by the next);
 * - an index on (attached_at, created_at) for the job's look-up of loose uploads past the grace.
 * Uploads named in the requests made before are marked attached (their request's time).
 *
 * Numbered 016: 014 is another branch's, 015 the paid order path's; migrations run unordered
 * (decision 0016), and this one touches only its own columns (of 012's table).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('attached_at', 'bigint').execute();
  await db.schema.alterTable('uploads').addColumn('pruning_at', 'bigint').execute();
  await db.schema.createIndex('uploads_loose_idx').on('uploads').columns(['attached_at', 'created_at']).execute();

  const { rows } = await sql<{ photos: string; created_at: number | string }>`select photos, created_at from after_sales`.execute(db);
  for (const row of rows) {
    let ids: string[] = [];
    try {
      const photos = JSON.parse(row.photos) as unknown;
      if (Array.isArray(photos)) ids = photos.flatMap((p) => (p && typeof p === 'object' && typeof (p as { id?: unknown }).id === 'string' ? [(p as { id: string }).id] : []));
    } catch {
      // Not JSON: nothing to mark.
    }
    if (ids.length === 0) continue;
    await sql`update uploads set attached_at = ${Number(row.created_at)} where attached_at is null and id in (${sql.join(ids)})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('uploads_loose_idx').ifExists().execute();
  await db.schema.alterTable('uploads').dropColumn('pruning_at').execute();
  await db.schema.alterTable('uploads').dropColumn('attached_at').execute();
}
