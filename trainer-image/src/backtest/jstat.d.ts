// jstat ships no types; only the Student t CDF is used (by the Diebold–Mariano test).
declare module 'jstat' {
  const jStat: {
    readonly studentt: { cdf(x: number, degreesOfFreedom: number): number };
  };
  export default jStat;
}
