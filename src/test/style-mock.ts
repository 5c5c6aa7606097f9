// CSS imports resolve to an empty module in jest.
const styles: Record<string, string> = {};
export default styles;
