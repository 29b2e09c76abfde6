// A table's caption (for screen readers; the page's heading says it visibly) and its column
// headers, the same on every page that lists things.
export function TableHead({ caption, columns }) {
  return (
    <>
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}
