/**
 * React access to the replica: components subscribe to RxDB queries, so a change on the server
 * (a seat taken at another terminal, a refund, a new showing) repaints them without polling.
 */
import { createContext, useContext, useEffect, useState } from 'react';
import type { MangoQuerySelector } from 'rxdb/plugins/core';
import type { Replica, ReplicaDocs, ReplicaName } from './replica.ts';

export const ReplicaContext = createContext<Replica | undefined>(undefined);

export function useReplica(): Replica | undefined {
  return useContext(ReplicaContext);
}

/**
 * The documents of `name` matching `selector`, live; undefined until the first answer (or when
 * this profile does not replicate the collection).
 */
export function useDocs<N extends ReplicaName>(
  name: N,
  selector?: MangoQuerySelector<ReplicaDocs[N]>,
): readonly ReplicaDocs[N][] | undefined {
  const replica = useReplica();
  const [docs, setDocs] = useState<readonly ReplicaDocs[N][] | undefined>(undefined);
  // Selectors are written inline by callers; their JSON is the stable identity of the query.
  const key = selector === undefined ? '' : JSON.stringify(selector);
  useEffect(() => {
    const collection = replica?.collection(name);
    if (collection === undefined) {
      setDocs(undefined);
      return undefined;
    }
    const query = collection.find(
      key === '' ? {} : { selector: JSON.parse(key) as MangoQuerySelector<ReplicaDocs[N]> },
    );
    const subscription = query.$.subscribe((results) => {
      setDocs(results.map((doc) => doc.toJSON() as ReplicaDocs[N]));
    });
    return () => subscription.unsubscribe();
  }, [replica, name, key]);
  return docs;
}

/** One document by id, live; null when it does not exist, undefined while loading. */
export function useDoc<N extends ReplicaName>(name: N, id: string | undefined): ReplicaDocs[N] | null | undefined {
  const replica = useReplica();
  const [doc, setDoc] = useState<ReplicaDocs[N] | null | undefined>(undefined);
  useEffect(() => {
    const collection = replica?.collection(name);
    if (collection === undefined || id === undefined) {
      setDoc(undefined);
      return undefined;
    }
    const subscription = collection.findOne(id).$.subscribe((result) => {
      setDoc(result === null ? null : (result.toJSON() as ReplicaDocs[N]));
    });
    return () => subscription.unsubscribe();
  }, [replica, name, id]);
  return doc;
}

/** The cinema this terminal belongs to (time zone, currency, default language). */
export function useSite(): ReplicaDocs['site'] | undefined {
  return useDocs('site')?.[0];
}
