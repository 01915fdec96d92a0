/** Where `npm start` listens, so `npx pd-admin` and people know where to find it. */
export const LOCAL_PORTS = { http: 3000, mail: 8005, dynamodb: 8000, s3: 4568 } as const;
