export { verify, agsRun as runVerify };
