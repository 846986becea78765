/* The Setup page's grids that load block by block (AG Grid's infinite row model; see
   dashboard/views/setup_grids.py): they take neither row transactions nor new row data, so the server's
   saved rows and its "load again" come through a store, applied here with the grid's API. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    setup: {
        sync: async function (data, gridId) {
            const noUpdate = window.dash_clientside.no_update;
            if (!data) {
                return noUpdate;
            }
            const api = await window.dash_ag_grid.getApiAsync(gridId);
            if (data.purge) {
                api.purgeInfiniteCache();
            }
            (data.rows || []).forEach(function (row) {
                const node = api.getRowNode(String(row.id));
                if (node) {
                    node.setData(row);
                }
            });
            return noUpdate;
        },
    },
});
