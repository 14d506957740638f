import type Database from 'better-sqlite3';

/** Rows per INSERT: each statement call costs more than SQLite's work on a small row. */
const ROWS_PER_STATEMENT = 100;

type SqlValue = string | number | null;

/** Inserts rows into one table many to a statement, in the order added. */
export class BatchInsert {
  private readonly single: Database.Statement<SqlValue[]>;
  private many: Database.Statement<SqlValue[]> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {
    this.single = db.prepare<SqlValue[]>(this.sql(1));
  }

  /**
   * Runs `fill`, which adds rows; every row it added is inserted by the time this returns. Call it
   * inside a transaction: if `fill` or an insert throws, the rows already inserted are rolled back with it.
   */
  insertAll(fill: (add: (...values: SqlValue[]) => void) => void): void {
    const width = this.columns.length;
    let pending: SqlValue[] = [];
    fill((...values) => {
      if (values.length !== width) throw new Error(`${this.table}: ${values.length} values for ${width} columns`);
      pending.push(...values);
      if (pending.length === width * ROWS_PER_STATEMENT) {
        this.many ??= this.db.prepare<SqlValue[]>(this.sql(ROWS_PER_STATEMENT));
        const rows = pending;
        pending = [];
        this.many.run(...rows);
      }
    });
    for (let at = 0; at < pending.length; at += width) this.single.run(...pending.slice(at, at + width));
  }

  private sql(rows: number): string {
    const row = `(${this.columns.map(() => '?').join(', ')})`;
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`;
  }
}
